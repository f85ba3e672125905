// The merged fields of artist and album entries, read in id order a batch at a time (Prisma) for a
// preview or a remerge, and written back for the entries a remerge changed.
// Raw SQL for the write: Prisma has no bulk update of different values per row (see writeMergedFields).
import type { Queryable } from '../../db/queryable.ts';
import type { TagFacets } from '../../enrichment/tag-facets.ts';
import type { EntryStatus, Prisma, PrismaClient } from '../../generated/prisma/client.ts';

export interface StoredMergedEntry {
  id: number;
  /** The artist's name (for an album, its artist's). */
  artist: string;
  /** The album's title; absent for an artist. */
  title?: string;
  genres: string[];
  styles: string[];
  moods: string[];
  facets: Prisma.JsonValue;
  source: string[];
  status: EntryStatus;
  rawTags: Prisma.JsonValue;
  fetchedAt: Date;
  /** The entry's keys, for its overrides: an artist's name key (titleKey null), or an album's two keys. */
  artistKey: string;
  titleKey: string | null;
}

export interface MergedFieldsWrite {
  id: number;
  genres: readonly string[];
  styles: readonly string[];
  moods: readonly string[];
  facets: TagFacets;
  source: readonly string[];
  status: EntryStatus;
}

const FIELDS = {
  id: true,
  genres: true,
  styles: true,
  moods: true,
  facets: true,
  source: true,
  status: true,
  rawTags: true,
  fetchedAt: true,
} as const;

export async function countMergedEntries(prisma: PrismaClient): Promise<{ artists: number; albums: number }> {
  const [artists, albums] = await Promise.all([prisma.artistCache.count(), prisma.albumCache.count()]);
  return { artists, albums };
}

export async function readArtistBatch(
  prisma: PrismaClient,
  afterId: number,
  size: number,
): Promise<StoredMergedEntry[]> {
  const rows = await prisma.artistCache.findMany({
    where: { id: { gt: afterId } },
    orderBy: { id: 'asc' },
    take: size,
    select: { ...FIELDS, name: true, nameKey: true },
  });
  return rows.map(({ name, nameKey, ...row }) => ({ ...row, artist: name, artistKey: nameKey, titleKey: null }));
}

export async function readAlbumBatch(
  prisma: PrismaClient,
  afterId: number,
  size: number,
): Promise<StoredMergedEntry[]> {
  const rows = await prisma.albumCache.findMany({
    where: { id: { gt: afterId } },
    orderBy: { id: 'asc' },
    take: size,
    select: { ...FIELDS, artistName: true, title: true, artistKey: true, titleKey: true },
  });
  return rows.map(({ artistName, ...row }) => ({ ...row, artist: artistName }));
}

/**
 * Writes the merged fields of a batch in one statement. Raw: Prisma has no bulk update of different values
 * per row, and one update per entry would cost a round trip each over a whole library.
 */
export async function writeMergedFields(
  db: Queryable,
  table: 'artist_cache' | 'album_cache',
  writes: readonly MergedFieldsWrite[],
): Promise<void> {
  if (writes.length === 0) return;
  // The elements in their order: WITH ORDINALITY, since an unordered subquery promises none.
  const list = (field: string) =>
    `ARRAY(SELECT e FROM jsonb_array_elements_text(w.value->'${field}') WITH ORDINALITY AS t(e, n) ORDER BY n)`;
  await db.query(
    `UPDATE ${table} AS entry
        SET genres = ${list('genres')},
            styles = ${list('styles')},
            moods = ${list('moods')},
            facets = w.value->'facets',
            source = ${list('source')},
            status = (w.value->>'status')::entry_status,
            updated_at = now()
       FROM jsonb_array_elements($1::jsonb) AS w(value)
      WHERE entry.id = (w.value->>'id')::int`,
    [JSON.stringify(writes)],
  );
}
