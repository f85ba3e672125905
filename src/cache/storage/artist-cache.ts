// artist_cache: reads through Prisma (entries are the generated ArtistCache type); the batch upsert and
// the usage batching stay raw SQL (see each).
import type pg from 'pg';
import { prismaOf } from '../../db/prisma.ts';
import type { Queryable } from '../../db/queryable.ts';
import type { RawTags } from '../../enrichment/entry.ts';
import type { ArtistSource } from '../../enrichment/enrich-artist.ts';
import { emptyFacets, type TagFacets } from '../../enrichment/tag-facets.ts';
import { normaliseNameKey } from '../../enrichment/text-keys.ts';
import { type ArtistCache, Prisma, type PrismaClient } from '../../generated/prisma/client.ts';
import { sourceList } from '../policy/entry-sources.ts';
import type { TierSettings } from '../policy/tiers.ts';
import type { UsageRecord } from '../policy/usage-recorder.ts';
import { type EntryFilter, entryWhere, genreKeyOf } from './entry-filter.ts';
import { modelColumns } from './model-columns.ts';
import { likeLiteral } from './sql-conditions.ts';
import { type MergedColumns, mergedColumnsData } from './merged-columns.ts';

/** A stored artist entry. */
export type ArtistEntry = ArtistCache;

/**
 * An artist entry to write: the enriched entry (its sources as the contract text, `plex,lastfm`) plus its
 * identity and expiry. Usage columns belong to readers; ids, generated keys and timestamps to PostgreSQL.
 */
export type ArtistWrite = Pick<
  ArtistCache,
  | 'nameKey'
  | 'name'
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
  rawTags: RawTags<ArtistSource>;
  /** Written as no facets when left out (writers that know only genres). */
  facets?: TagFacets;
};

/** An artist row as PostgreSQL's json_agg spells it: every column as in the model, timestamps as ISO text. */
type ArtistJsonRow = Omit<ArtistCache, 'fetchedAt' | 'expiresAt' | 'lastUsedAt' | 'createdAt' | 'updatedAt'> & {
  fetchedAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
  createdAt: string;
  updatedAt: string;
};

function artistFromJson(row: ArtistJsonRow): ArtistEntry {
  return {
    ...row,
    fetchedAt: new Date(row.fetchedAt),
    expiresAt: new Date(row.expiresAt),
    lastUsedAt: row.lastUsedAt === null ? null : new Date(row.lastUsedAt),
    createdAt: new Date(row.createdAt),
    updatedAt: new Date(row.updatedAt),
  };
}

/**
 * The stored entries of these name keys, expired ones included, keyed by name key. Raw: the hot read of
 * artist(name) and the lookups, where Prisma's findMany cost 40% of artist(name)'s throughput (bench/README.md).
 * The rows travel as one json_agg value: one JSON.parse of the whole batch costs the API a fraction of
 * node-postgres parsing each text column (five timestamps, five arrays and two jsonb per row) — about 0.7 of
 * 2 ms of CPU per 100 rows here (bench/README.md) — and leaves less garbage behind.
 */
export async function getArtistsByKeys(db: Queryable, nameKeys: readonly string[]): Promise<Map<string, ArtistEntry>> {
  if (nameKeys.length === 0) return new Map();
  // Named, so each connection parses and plans it once rather than at every read.
  const { rows } = await db.query<{ entries: ArtistJsonRow[] | null }>({
    name: 'artists-by-keys',
    text: `SELECT json_agg(e) AS entries
             FROM (SELECT ${modelColumns(Prisma.ArtistCacheScalarFieldEnum)} FROM artist_cache WHERE name_key = ANY($1::text[])) AS e`,
    values: [nameKeys],
  });
  const entries = rows[0]?.entries ?? [];
  return new Map(entries.map((row) => [row.nameKey, artistFromJson(row)]));
}

/** The Prisma condition of an artist filter; a search with nothing to key by (only spaces) matches nothing. */
function artistWhere(filter: EntryFilter, context: { now: Date; tiers: TierSettings }): Prisma.ArtistCacheWhereInput {
  const where: Prisma.ArtistCacheWhereInput = entryWhere(filter, context);
  if (filter.search !== undefined && filter.search !== null) {
    const key = normaliseNameKey(filter.search);
    // Prisma's contains passes LIKE wildcards through: the key is escaped so that `%` and `_` are literal.
    return key === null ? { id: { lt: 0 } } : { AND: [where, { nameKey: { contains: likeLiteral(key) } }] };
  }
  return where;
}

/** The artist listing's order: by normalised name, which is unique, so a name key is a position in it. */
export const ARTIST_LISTING_ORDER = { nameKey: 'asc' } as const satisfies Prisma.ArtistCacheOrderByWithRelationInput;

/**
 * The artists a listing page answers: the filter, and after `afterKey` (the name key of the previous page's
 * last artist) when paging on. A key comparison rather than Prisma's cursor, which looks the cursor's row
 * up again: a page after an artist deleted meanwhile still starts where the previous one ended.
 */
export function artistListingWhere(
  filter: EntryFilter,
  afterKey: string | null,
  context: { now: Date; tiers: TierSettings },
): Prisma.ArtistCacheWhereInput {
  const where = artistWhere(filter, context);
  return afterKey === null ? where : { AND: [where, { nameKey: { gt: afterKey } }] };
}

/**
 * The ids of a forward page of one genre's artists, in listing order, through the genre index
 * (artist_genre_index: one B-tree range per page whatever the genre's size; the GIN index on genre_keys
 * finds a genre's rows but not in name order). Null when the filter names no genre: the listing's own
 * query answers it. The filter's other conditions are checked on each artist as the range is walked.
 */
export async function artistGenrePageIds(
  prisma: PrismaClient,
  filter: EntryFilter,
  afterKey: string | null,
  take: number,
  context: { now: Date; tiers: TierSettings },
): Promise<number[] | null> {
  if (filter.genre === undefined || filter.genre === null) return null;
  const { genre, ...rest } = filter;
  const others = artistWhere(rest, context);
  const rows = await prisma.artistGenreIndex.findMany({
    where: {
      genreKey: genreKeyOf(genre),
      ...(afterKey === null ? {} : { nameKey: { gt: afterKey } }),
      ...(Object.keys(others).length === 0 ? {} : { artist: { is: others } }),
    },
    orderBy: { nameKey: 'asc' },
    take,
    select: { artistId: true },
  });
  return rows.map((row) => row.artistId);
}

/** How many artists match the filter (a listing's totalCount). */
export function countArtists(
  pool: pg.Pool,
  filter: EntryFilter,
  context: { now: Date; tiers: TierSettings },
): Promise<number> {
  return prismaOf(pool).artistCache.count({ where: artistWhere(filter, context) });
}

/**
 * Writes a batch of artist entries in one statement (rows travel as one jsonb array); raw because Prisma
 * has no one-statement batch upsert (createMany cannot update, upsert is one statement per row). Usage columns
 * (last_used_at, use_count) belong to readers and are never touched here.
 */
export async function upsertArtists(db: Queryable, entries: readonly ArtistWrite[]): Promise<number> {
  if (entries.length === 0) return 0;
  // PostgreSQL refuses to update one row twice in a statement: the last write of a key wins.
  const unique = [...new Map(entries.map((entry) => [entry.nameKey, entry])).values()];
  const payload = unique.map((entry) => ({
    name_key: entry.nameKey,
    name: entry.name,
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
    `INSERT INTO artist_cache AS a (name_key, name, plex_rating_key, musicbrainz_id, genres, styles, moods, facets,
                                   source, status, raw_tags, fetched_at, expires_at, last_error, updated_at)
     SELECT r.name_key, r.name, r.plex_rating_key, r.musicbrainz_id, r.genres, r.styles, r.moods, r.facets, r.source,
            r.status::entry_status, r.raw_tags, r.fetched_at, r.expires_at, r.last_error, now()
       FROM jsonb_to_recordset($1::jsonb) AS r(name_key text, name text, plex_rating_key text, musicbrainz_id text,
            genres text[], styles text[], moods text[], facets jsonb, source text[], status text, raw_tags jsonb,
            fetched_at timestamptz, expires_at timestamptz, last_error text)
     ON CONFLICT (name_key) DO UPDATE SET
       name = EXCLUDED.name,
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

/**
 * Adds a batch of recorded reads to artist_cache in one statement (raw: Prisma's updateMany cannot give
 * each row its own values); keys without an entry are skipped.
 * Repeated keys are merged first (PostgreSQL would apply only one of them). `updated_at` is left alone:
 * it dates the entry's content, and usage is not content.
 */
export async function recordArtistUsage(db: Queryable, batch: readonly UsageRecord<string>[]): Promise<number> {
  if (batch.length === 0) return 0;
  const result = await db.query(
    `UPDATE artist_cache AS a
        SET last_used_at = GREATEST(a.last_used_at, u.used_at), use_count = a.use_count + u.uses
       FROM (SELECT key, max(used_at) AS used_at, sum(uses)::integer AS uses
               FROM unnest($1::text[], $2::timestamptz[], $3::integer[]) AS r(key, used_at, uses)
              GROUP BY key) AS u
      WHERE a.name_key = u.key`,
    [batch.map((record) => record.key), batch.map((record) => record.lastUsedAt), batch.map((record) => record.uses)],
  );
  return result.rowCount ?? 0;
}

/** Rewrites one artist's merged columns (a re-merge after the user's pin or block); the row, or null when none. */
export async function rewriteArtistMerge(
  pool: pg.Pool,
  nameKey: string,
  merged: MergedColumns,
): Promise<ArtistEntry | null> {
  const { count } = await prismaOf(pool).artistCache.updateMany({
    where: { nameKey },
    // Only these columns: callers may hand over a whole re-merged entry.
    data: mergedColumnsData(merged),
  });
  if (count === 0) return null;
  return prismaOf(pool).artistCache.findUnique({ where: { nameKey } });
}
