// Point reads of single entries (artist(name), album(artist, title), track(ratingKey)) from every request
// in flight share one query per turn of the event loop: under load, the dozens of requests whose bodies
// arrive in the same poll phase cost one round trip and one statement instead of one each, which is most
// of what a point read costs on a machine whose cores PostgreSQL shares. DataLoader does the batching; its
// per-key cache is off, because an answer kept across requests would serve a row older than its read.
import DataLoader from 'dataloader';
import { type AlbumKey, albumKeyString } from '../policy/entry-keys.ts';
import type { Queryable } from '../../db/queryable.ts';
import { type AlbumEntry, getAlbumsByKeys } from '../storage/album-cache.ts';
import { type ArtistEntry, getArtistsByKeys } from '../storage/artist-cache.ts';
import { getTracksByRatingKeys, type TrackEntry } from '../storage/track-cache.ts';

export interface EntryPointReads {
  artist(nameKey: string): Promise<ArtistEntry | null>;
  album(key: AlbumKey): Promise<AlbumEntry | null>;
  track(ratingKey: string): Promise<TrackEntry | null>;
}

// A batch waits for the rest of the poll phase (setImmediate), not a timer: nothing is added to a lone
// request's latency beyond one turn of the loop.
const OPTIONS = { cache: false, maxBatchSize: 500, batchScheduleFn: (run: () => void) => setImmediate(run) } as const;

function pointLoader<K, V>(
  read: (keys: readonly K[]) => Promise<ReadonlyMap<string, V>>,
  idOf: (key: K) => string,
): DataLoader<K, V | null> {
  return new DataLoader<K, V | null>(async (keys) => {
    const found = await read(keys);
    return keys.map((key) => found.get(idOf(key)) ?? null);
  }, OPTIONS);
}

export function createEntryPointReads(db: Queryable): EntryPointReads {
  const self = (key: string) => key;
  const artists = pointLoader((keys: readonly string[]) => getArtistsByKeys(db, keys), self);
  const albums = pointLoader((keys: readonly AlbumKey[]) => getAlbumsByKeys(db, keys), albumKeyString);
  const tracks = pointLoader((keys: readonly string[]) => getTracksByRatingKeys(db, keys), self);
  return {
    artist: (nameKey) => artists.load(nameKey),
    album: (key) => albums.load(key),
    track: (ratingKey) => tracks.load(ratingKey),
  };
}
