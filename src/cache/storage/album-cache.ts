// album_cache: reads through Prisma (entries are the generated AlbumCache type); the batch upsert, the
// usage batching and the title union with track_cache stay raw SQL (see each).
import type pg from 'pg';
import { prismaOf } from '../../db/prisma.ts';
import type { Queryable } from '../../db/queryable.ts';
import type { RawTags } from '../../enrichment/entry.ts';
import type { AlbumSource } from '../../enrichment/enrich-album.ts';
import { emptyFacets, type TagFacets } from '../../enrichment/tag-facets.ts';
import { normaliseNameKey } from '../../enrichment/text-keys.ts';
import { type AlbumCache, Prisma } from '../../generated/prisma/client.ts';
import { type AlbumKey, albumKeyString } from '../policy/entry-keys.ts';
import { sourceList } from '../policy/entry-sources.ts';
import type { TierSettings } from '../policy/tiers.ts';
import type { UsageRecord } from '../policy/usage-recorder.ts';
import { type EntryFilter, entryWhere } from './entry-filter.ts';
import { modelColumns } from './model-columns.ts';
import { likeLiteral } from './sql-conditions.ts';
import { type MergedColumns, mergedColumnsData } from './merged-columns.ts';

export type { AlbumKey };
export { albumKeyString };

/** A stored album entry. */
export type AlbumEntry = AlbumCache;

/** An album entry to write, as ArtistWrite: the enriched entry with its sources as the contract text. */
export type AlbumWrite = Pick<
  AlbumCache,
  | 'artistKey'
  | 'titleKey'
  | 'artistName'
  | 'title'
  | 'plexRatingKey'
  | 'musicbrainzId'
  | 'genres'
  | 'styles'
  | 'moods'
  | 'status'
  | 'fetchedAt'
  | 'expiresAt'
  | 'lastError'
> & {
  source: string;
  rawTags: RawTags<AlbumSource>;
  /** Written as no facets when left out, as for artists. */
  facets?: TagFacets;
};

/** The stored entries of these albums, expired ones included, keyed by albumKeyString; raw as getArtistsByKeys. */
export async function getAlbumsByKeys(db: Queryable, keys: readonly AlbumKey[]): Promise<Map<string, AlbumEntry>> {
  if (keys.length === 0) return new Map();
  const { rows } = await db.query<AlbumEntry>(
    `SELECT ${modelColumns(Prisma.AlbumCacheScalarFieldEnum)} FROM album_cache
      WHERE (artist_key, title_key) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
    [keys.map((key) => key.artistKey), keys.map((key) => key.titleKey)],
  );
  return new Map(rows.map((row) => [albumKeyString(row), row]));
}

// Enough titles to recognise an artist among namesakes; a discography is rarely longer.
const MAX_TITLES = 200;

/** The album titles the cache knows for an artist, from its albums and from its tracks' album titles. */
export async function findAlbumTitlesOfArtist(db: Queryable, artistKey: string): Promise<string[]> {
  // Raw: one statement over two tables (a UNION), which Prisma would make two queries and a merge.
  const { rows } = await db.query<{ title: string }>(
    `SELECT title FROM album_cache WHERE artist_key = $1
      UNION
     SELECT album_title FROM track_cache WHERE artist_key = $1 AND album_title IS NOT NULL
      LIMIT $2`,
    [artistKey, MAX_TITLES],
  );
  return rows.map((row) => row.title);
}

export interface AlbumFilter extends EntryFilter {
  /** Albums of this artist (compared by normalised name). */
  artist?: string | null;
}

const NOTHING: Prisma.AlbumCacheWhereInput = { id: { lt: 0 } };

/** The entry filters (a search looks in the artist and the title) plus the album's artist. */
function albumWhere(filter: AlbumFilter, context: { now: Date; tiers: TierSettings }): Prisma.AlbumCacheWhereInput {
  const conditions: Prisma.AlbumCacheWhereInput[] = [entryWhere(filter, context)];
  if (filter.search !== undefined && filter.search !== null) {
    const key = normaliseNameKey(filter.search);
    if (key === null) return NOTHING;
    conditions.push({
      OR: [{ titleKey: { contains: likeLiteral(key) } }, { artistKey: { contains: likeLiteral(key) } }],
    });
  }
  if (filter.artist !== undefined && filter.artist !== null) {
    const key = normaliseNameKey(filter.artist);
    if (key === null) return NOTHING;
    conditions.push({ artistKey: key });
  }
  return { AND: conditions };
}

/** The album listing's order: by artist key, then title key, which together are unique. */
export const ALBUM_LISTING_ORDER = [
  { artistKey: 'asc' },
  { titleKey: 'asc' },
] as const satisfies Prisma.AlbumCacheOrderByWithRelationInput[];

/** The albums a listing page answers: the filter, and after `after` (as artistListingWhere: a key comparison). */
export function albumListingWhere(
  filter: AlbumFilter,
  after: AlbumKey | null,
  context: { now: Date; tiers: TierSettings },
): Prisma.AlbumCacheWhereInput {
  const where = albumWhere(filter, context);
  if (after === null) return where;
  const afterCondition: Prisma.AlbumCacheWhereInput = {
    OR: [{ artistKey: { gt: after.artistKey } }, { artistKey: after.artistKey, titleKey: { gt: after.titleKey } }],
  };
  return { AND: [where, afterCondition] };
}

/** How many albums match the filter (a listing's totalCount). */
export function countAlbums(
  pool: pg.Pool,
  filter: AlbumFilter,
  context: { now: Date; tiers: TierSettings },
): Promise<number> {
  return prismaOf(pool).albumCache.count({ where: albumWhere(filter, context) });
}

/** Writes a batch of album entries in one statement (raw, as upsertArtists); usage columns are left to readers. */
export async function upsertAlbums(db: Queryable, entries: readonly AlbumWrite[]): Promise<number> {
  if (entries.length === 0) return 0;
  const unique = [...new Map(entries.map((entry) => [albumKeyString(entry), entry])).values()];
  const payload = unique.map((entry) => ({
    artist_key: entry.artistKey,
    title_key: entry.titleKey,
    artist_name: entry.artistName,
    title: entry.title,
    plex_rating_key: entry.plexRatingKey,
    musicbrainz_id: entry.musicbrainzId,
    genres: entry.genres,
    styles: entry.styles,
    moods: entry.moods,
    facets: entry.facets ?? emptyFacets(),
    source: sourceList(entry.source),
    status: entry.status,
    raw_tags: entry.rawTags,
    fetched_at: entry.fetchedAt.toISOString(),
    expires_at: entry.expiresAt.toISOString(),
    last_error: entry.lastError,
  }));
  const result = await db.query(
    `INSERT INTO album_cache AS a (artist_key, title_key, artist_name, title, plex_rating_key, musicbrainz_id, genres, styles,
                                  moods, facets, source, status, raw_tags, fetched_at, expires_at, last_error, updated_at)
     SELECT r.artist_key, r.title_key, r.artist_name, r.title, r.plex_rating_key, r.musicbrainz_id, r.genres, r.styles,
            r.moods, r.facets, r.source, r.status::entry_status, r.raw_tags, r.fetched_at, r.expires_at, r.last_error, now()
       FROM jsonb_to_recordset($1::jsonb) AS r(artist_key text, title_key text, artist_name text, title text,
            plex_rating_key text, musicbrainz_id text, genres text[], styles text[], moods text[], facets jsonb, source text[],
            status text, raw_tags jsonb, fetched_at timestamptz, expires_at timestamptz, last_error text)
     ON CONFLICT (artist_key, title_key) DO UPDATE SET
       artist_name = EXCLUDED.artist_name, title = EXCLUDED.title,
       plex_rating_key = COALESCE(EXCLUDED.plex_rating_key, a.plex_rating_key),
       musicbrainz_id = COALESCE(EXCLUDED.musicbrainz_id, a.musicbrainz_id),
       genres = EXCLUDED.genres, styles = EXCLUDED.styles, moods = EXCLUDED.moods, facets = EXCLUDED.facets,
       source = EXCLUDED.source, status = EXCLUDED.status, raw_tags = EXCLUDED.raw_tags,
       fetched_at = EXCLUDED.fetched_at, expires_at = EXCLUDED.expires_at, last_error = EXCLUDED.last_error,
       updated_at = now()`,
    [JSON.stringify(payload)],
  );
  return result.rowCount ?? 0;
}

export type AlbumUsageRecord = Omit<UsageRecord<string>, 'key'> & { key: AlbumKey };

/** As recordArtistUsage (raw for the same reason), for album_cache keyed by (artist_key, title_key). */
export async function recordAlbumUsage(db: Queryable, batch: readonly AlbumUsageRecord[]): Promise<number> {
  if (batch.length === 0) return 0;
  const result = await db.query(
    `UPDATE album_cache AS a
        SET last_used_at = GREATEST(a.last_used_at, u.used_at), use_count = a.use_count + u.uses
       FROM (SELECT artist_key, title_key, max(used_at) AS used_at, sum(uses)::integer AS uses
               FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::integer[]) AS r(artist_key, title_key, used_at, uses)
              GROUP BY artist_key, title_key) AS u
      WHERE a.artist_key = u.artist_key AND a.title_key = u.title_key`,
    [
      batch.map((record) => record.key.artistKey),
      batch.map((record) => record.key.titleKey),
      batch.map((record) => record.lastUsedAt),
      batch.map((record) => record.uses),
    ],
  );
  return result.rowCount ?? 0;
}

/** Rewrites one album's merged columns, as rewriteArtistMerge; the row, or null when none. */
export async function rewriteAlbumMerge(
  pool: pg.Pool,
  key: AlbumKey,
  merged: MergedColumns,
): Promise<AlbumEntry | null> {
  const where = { artistKey_titleKey: { artistKey: key.artistKey, titleKey: key.titleKey } };
  const prisma = prismaOf(pool);
  const { count } = await prisma.albumCache.updateMany({
    where: { artistKey: key.artistKey, titleKey: key.titleKey },
    // Only these columns: callers may hand over a whole re-merged entry.
    data: mergedColumnsData(merged),
  });
  if (count === 0) return null;
  return prisma.albumCache.findUnique({ where });
}
