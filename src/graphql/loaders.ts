// The per-request batch loaders behind the entry relations (an album's artist, an artist's albums, a
// track's album, artist and audio features): a page of 500 albums with their artists costs one query
// for the albums and one for all their artists, not 501.
import { type AlbumKey, type AlbumRow, albumKeyString } from '../cache/storage/album-cache.ts';
import { getAlbumsByArtistKeys } from '../cache/storage/album-cache.ts';
import { getAlbumsByKeys } from '../cache/storage/album-cache.ts';
import type { ArtistRow } from '../cache/storage/artist-cache.ts';
import { getArtistsByKeys } from '../cache/storage/artist-cache.ts';
import type { AudioFeaturesRow } from '../cache/storage/audio-features.ts';
import { getAudioFeaturesByTrackKeys } from '../cache/storage/audio-features.ts';
import { getTracksByAlbumKeys } from '../cache/storage/track-cache.ts';
import type { TrackRow } from '../cache/storage/track-cache.ts';
import type { Queryable } from '../db/queryable.ts';
import { BatchLoader } from './batch-loader.ts';

export interface Loaders {
  artistByKey: BatchLoader<string, ArtistRow | undefined>;
  albumByKey: BatchLoader<AlbumKey, AlbumRow | undefined>;
  albumsByArtistKey: BatchLoader<string, AlbumRow[]>;
  tracksByAlbumKey: BatchLoader<AlbumKey, TrackRow[]>;
  audioFeaturesByTrack: BatchLoader<string, AudioFeaturesRow | undefined>;
}

const self = (key: string): string => key;

export function createLoaders(db: Queryable): Loaders {
  return {
    artistByKey: new BatchLoader((keys) => getArtistsByKeys(db, keys), self, undefined),
    albumByKey: new BatchLoader((keys) => getAlbumsByKeys(db, keys), albumKeyString, undefined),
    albumsByArtistKey: new BatchLoader((keys) => getAlbumsByArtistKeys(db, keys), self, []),
    tracksByAlbumKey: new BatchLoader((keys) => getTracksByAlbumKeys(db, keys), albumKeyString, []),
    audioFeaturesByTrack: new BatchLoader((keys) => getAudioFeaturesByTrackKeys(db, keys), self, undefined),
  };
}
