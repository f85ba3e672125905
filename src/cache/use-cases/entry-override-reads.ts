// The user's pins and blocks of the entries one GraphQL request explains: every artist or album of a
// page asks for its own, and DataLoader turns the asks of one tick into one query per table. The
// answers are kept for the request only (a later request sees a new pin).
import DataLoader from 'dataloader';
import type pg from 'pg';
import type { EntryOverrides } from '../../enrichment/entry-overrides.ts';
import { type AlbumKey, albumKeyString } from '../policy/entry-keys.ts';
import { getAlbumOverrides, getArtistOverrides } from '../storage/entry-overrides.ts';

export interface EntryOverrideReads {
  artist(nameKey: string): Promise<EntryOverrides | undefined>;
  album(key: AlbumKey): Promise<EntryOverrides | undefined>;
}

export function createEntryOverrideReads(pool: pg.Pool): EntryOverrideReads {
  const artists = new DataLoader<string, EntryOverrides | undefined>(async (keys) => {
    const found = await getArtistOverrides(pool, keys);
    return keys.map((key) => found.get(key));
  });
  const albums = new DataLoader<AlbumKey, EntryOverrides | undefined, string>(
    async (keys) => {
      const found = await getAlbumOverrides(pool, keys);
      return keys.map((key) => found.get(albumKeyString(key)));
    },
    { cacheKeyFn: albumKeyString },
  );
  return { artist: (nameKey) => artists.load(nameKey), album: (key) => albums.load(key) };
}
