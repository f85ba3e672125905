import type { RawTags } from '../../enrichment/entry.ts';
import type { ArtistSource } from '../../enrichment/enrich-artist.ts';
import type { EntryStatus } from '../../types.ts';
import type { Queryable } from '../../db/queryable.ts';
import { addEntryFilter, type EntryFilter } from './entry-filter.ts';
import { SqlConditions } from './sql-conditions.ts';
import type { TierSettings } from '../policy/tiers.ts';
import type { UsageRecord } from '../policy/usage-recorder.ts';

/** An artist_cache row as the jobs and the API read it. */
export interface ArtistRow {
  id: number;
  nameKey: string;
  name: string;
  plexRatingKey: string | null;
  musicbrainzId: string | null;
  genres: string[];
  styles: string[];
  moods: string[];
  source: string;
  status: EntryStatus;
  rawTags: RawTags<ArtistSource>;
  fetchedAt: Date;
  expiresAt: Date;
  lastUsedAt: Date | null;
  useCount: number;
  lastError: string | null;
}

/** An artist entry to write: the enriched entry plus its identity and expiry (usage columns belong to readers). */
export type ArtistWrite = Omit<ArtistRow, 'id' | 'lastUsedAt' | 'useCount'>;

export const ARTIST_COLUMNS = `
  id, name_key AS "nameKey", name, plex_rating_key AS "plexRatingKey", musicbrainz_id AS "musicbrainzId",
  genres, styles, moods, source, status, raw_tags AS "rawTags", fetched_at AS "fetchedAt",
  expires_at AS "expiresAt", last_used_at AS "lastUsedAt", use_count AS "useCount", last_error AS "lastError"`;

/** The stored entries of these name keys, expired ones included, keyed by name key. */
export async function getArtistsByKeys(db: Queryable, nameKeys: readonly string[]): Promise<Map<string, ArtistRow>> {
  if (nameKeys.length === 0) return new Map();
  const { rows } = await db.query<ArtistRow>(
    `SELECT ${ARTIST_COLUMNS} FROM artist_cache WHERE name_key = ANY($1::text[])`,
    [nameKeys],
  );
  return new Map(rows.map((row) => [row.nameKey, row]));
}

/** Which of these name keys have an entry that has not expired: one query for a whole page. */
export async function findFreshArtistKeys(db: Queryable, nameKeys: readonly string[], now: Date): Promise<Set<string>> {
  if (nameKeys.length === 0) return new Set();
  const { rows } = await db.query<{ name_key: string }>(
    'SELECT name_key FROM artist_cache WHERE name_key = ANY($1::text[]) AND expires_at > $2',
    [nameKeys, now],
  );
  return new Set(rows.map((row) => row.name_key));
}

export interface ArtistPageRequest {
  filter: EntryFilter;
  /** The name key of the last artist of the previous page (keyset pagination: stable under inserts). */
  afterKey: string | null;
  limit: number;
  now: Date;
  tiers: TierSettings;
}

/** One page of artists in name-key order; one row more than `limit` when there is a next page. */
export async function listArtists(db: Queryable, request: ArtistPageRequest): Promise<ArtistRow[]> {
  const sql = new SqlConditions();
  addEntryFilter(sql, request.filter, { now: request.now, tiers: request.tiers, keyColumns: ['name_key'] });
  if (request.afterKey !== null) sql.add(`name_key > ${sql.param(request.afterKey)}`);
  const limit = sql.param(request.limit + 1);
  const { rows } = await db.query<ArtistRow>(
    `SELECT ${ARTIST_COLUMNS} FROM artist_cache ${sql.where()} ORDER BY name_key LIMIT ${limit}`,
    sql.params,
  );
  return rows;
}

/** How many artists match the filter (a listing's totalCount). */
export async function countArtists(
  db: Queryable,
  filter: EntryFilter,
  context: { now: Date; tiers: TierSettings },
): Promise<number> {
  const sql = new SqlConditions();
  addEntryFilter(sql, filter, { ...context, keyColumns: ['name_key'] });
  const { rows } = await db.query<{ count: string }>(
    `SELECT count(*)::text AS count FROM artist_cache ${sql.where()}`,
    sql.params,
  );
  return Number(rows[0]?.count ?? 0);
}

/**
 * Writes a batch of artist entries in one statement (rows travel as one jsonb array). Usage columns
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
    source: entry.source,
    status: entry.status,
    raw_tags: entry.rawTags,
    fetched_at: entry.fetchedAt.toISOString(),
    expires_at: entry.expiresAt.toISOString(),
    last_error: entry.lastError,
  }));
  const result = await db.query(
    `INSERT INTO artist_cache AS a (name_key, name, plex_rating_key, musicbrainz_id, genres, styles, moods, source, status,
                                   raw_tags, fetched_at, expires_at, last_error, updated_at)
     SELECT r.name_key, r.name, r.plex_rating_key, r.musicbrainz_id, r.genres, r.styles, r.moods, r.source,
            r.status::entry_status, r.raw_tags, r.fetched_at, r.expires_at, r.last_error, now()
       FROM jsonb_to_recordset($1::jsonb) AS r(name_key text, name text, plex_rating_key text, musicbrainz_id text,
            genres text[], styles text[], moods text[], source text, status text, raw_tags jsonb,
            fetched_at timestamptz, expires_at timestamptz, last_error text)
     ON CONFLICT (name_key) DO UPDATE SET
       name = EXCLUDED.name,
       plex_rating_key = COALESCE(EXCLUDED.plex_rating_key, a.plex_rating_key),
       musicbrainz_id = COALESCE(EXCLUDED.musicbrainz_id, a.musicbrainz_id),
       genres = EXCLUDED.genres, styles = EXCLUDED.styles, moods = EXCLUDED.moods,
       source = EXCLUDED.source, status = EXCLUDED.status, raw_tags = EXCLUDED.raw_tags,
       fetched_at = EXCLUDED.fetched_at, expires_at = EXCLUDED.expires_at, last_error = EXCLUDED.last_error,
       updated_at = now()`,
    [JSON.stringify(payload)],
  );
  return result.rowCount ?? 0;
}

/**
 * Adds a batch of recorded reads to artist_cache in one statement; keys without an entry are skipped.
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
