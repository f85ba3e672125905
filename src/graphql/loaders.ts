// The per-request batch loaders behind the one-to-many entry relations that Prisma does not model (an
// artist's albums, an album's tracks: keyed by normalised names, with no foreign key): a page of 100
// artists with their albums costs one query for the artists and one for all their albums, not 101.
// To-one relations (an album's artist, a track's album) go through Prisma's findUnique, which Prisma
// batches itself.
import type pg from 'pg';
import { type AlbumKey, albumKeyString } from '../cache/policy/entry-keys.ts';
import { type AlbumEntry, getAlbumsByArtistKeys } from '../cache/storage/album-cache.ts';
import { getAlbumOverrides, getArtistOverrides } from '../cache/storage/entry-overrides.ts';
import { getTracksByAlbumKeys, type TrackEntry } from '../cache/storage/track-cache.ts';
import type { EntryOverrides } from '../enrichment/entry-overrides.ts';
import { BatchLoader } from './batch-loader.ts';

export interface Loaders {
  albumsByArtistKey: BatchLoader<string, AlbumEntry[]>;
  tracksByAlbumKey: BatchLoader<AlbumKey, TrackEntry[]>;
  /** The user's pins and blocks per artist name key (a page of explained artists: one query). */
  artistOverrides: BatchLoader<string, EntryOverrides | undefined>;
  albumOverrides: BatchLoader<AlbumKey, EntryOverrides | undefined>;
}

const self = (key: string): string => key;

export function createLoaders(pool: pg.Pool): Loaders {
  return {
    albumsByArtistKey: new BatchLoader((keys) => getAlbumsByArtistKeys(pool, keys), self, []),
    tracksByAlbumKey: new BatchLoader((keys) => getTracksByAlbumKeys(pool, keys), albumKeyString, []),
    artistOverrides: new BatchLoader((keys) => getArtistOverrides(pool, keys), self, undefined),
    albumOverrides: new BatchLoader((keys) => getAlbumOverrides(pool, keys), albumKeyString, undefined),
  };
}
