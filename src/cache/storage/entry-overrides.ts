// entry_overrides: a user's pins and blocks per artist or album, read in bulk for a page of entries (one
// query however many are on it) and written one row at a time through Prisma.
import type pg from 'pg';
import { prismaOf } from '../../db/prisma.ts';
import type { EntryOverrides } from '../../enrichment/entry-overrides.ts';
import type { EntryOverride, PrismaClient } from '../../generated/prisma/client.ts';
import { type AlbumKey, albumKeyString } from '../policy/entry-keys.ts';

/** The title key of an artist's own row: no album title keys to the empty string. */
const ARTIST_ROW = '';

/** Which entry an override belongs to: an artist (titleKey null) or one of its albums. */
export interface OverrideTarget {
  artistKey: string;
  titleKey: string | null;
}

function overridesOf(row: Pick<EntryOverride, 'pinned' | 'pinnedGenres' | 'blockedTags'>): EntryOverrides {
  return { pinnedGenres: row.pinned ? row.pinnedGenres : null, blockedTags: row.blockedTags };
}

/** Whether the overrides change nothing, so that no row needs to say so. */
function isEmptyOverrides(overrides: EntryOverrides): boolean {
  return overrides.pinnedGenres === null && overrides.blockedTags.length === 0;
}

/** The pool's Prisma client, or the client itself (the re-merge walk holds one). */
function clientOf(db: pg.Pool | PrismaClient): PrismaClient {
  return 'entryOverride' in db ? db : prismaOf(db);
}

/** The overrides of these artists, by name key; artists without any are absent. */
export async function getArtistOverrides(
  db: pg.Pool | PrismaClient,
  nameKeys: readonly string[],
): Promise<Map<string, EntryOverrides>> {
  if (nameKeys.length === 0) return new Map();
  const rows = await clientOf(db).entryOverride.findMany({
    where: { artistKey: { in: [...new Set(nameKeys)] }, titleKey: ARTIST_ROW },
  });
  return new Map(rows.map((row) => [row.artistKey, overridesOf(row)]));
}

/** The overrides of these albums, by albumKeyString; albums without any are absent. */
export async function getAlbumOverrides(
  db: pg.Pool | PrismaClient,
  keys: readonly AlbumKey[],
): Promise<Map<string, EntryOverrides>> {
  if (keys.length === 0) return new Map();
  const wanted = new Set(keys.map(albumKeyString));
  // Artist keys in one list and title keys in another find a superset (one index scan); the exact pairs are kept.
  const rows = await clientOf(db).entryOverride.findMany({
    where: {
      artistKey: { in: [...new Set(keys.map((key) => key.artistKey))] },
      titleKey: { in: [...new Set(keys.map((key) => key.titleKey))] },
    },
  });
  return new Map(
    rows.filter((row) => wanted.has(albumKeyString(row))).map((row) => [albumKeyString(row), overridesOf(row)]),
  );
}

/** One entry's overrides; none when the user has set nothing. */
export async function getOverride(pool: pg.Pool, target: OverrideTarget): Promise<EntryOverrides | undefined> {
  const row = await prismaOf(pool).entryOverride.findUnique({
    where: { artistKey_titleKey: { artistKey: target.artistKey, titleKey: target.titleKey ?? ARTIST_ROW } },
  });
  return row === null ? undefined : overridesOf(row);
}

/** Stores one entry's overrides; overrides that change nothing remove the row. */
export async function saveOverride(pool: pg.Pool, target: OverrideTarget, overrides: EntryOverrides): Promise<void> {
  const id = { artistKey: target.artistKey, titleKey: target.titleKey ?? ARTIST_ROW };
  const prisma = prismaOf(pool);
  if (isEmptyOverrides(overrides)) {
    await prisma.entryOverride.deleteMany({ where: id });
    return;
  }
  const data = {
    pinned: overrides.pinnedGenres !== null,
    pinnedGenres: [...(overrides.pinnedGenres ?? [])],
    blockedTags: [...overrides.blockedTags],
  };
  await prisma.entryOverride.upsert({ where: { artistKey_titleKey: id }, create: { ...id, ...data }, update: data });
}
