import type { RawTags } from '../../enrichment/entry.ts';
import type { AlbumSource } from '../../enrichment/enrich-album.ts';
import type { EntryStatus } from '../../types.ts';
import type { Queryable } from '../../db/queryable.ts';
import { normaliseNameKey } from '../../enrichment/text-keys.ts';
import { addEntryFilter, type EntryFilter } from './entry-filter.ts';
import { SqlConditions } from './sql-conditions.ts';
import type { TierSettings } from '../policy/tiers.ts';
import type { UsageRecord } from '../policy/usage-recorder.ts';

export interface AlbumKey {
  artistKey: string;
  titleKey: string;
}

/** An album_cache row as the jobs and the API read it. */
export interface AlbumRow extends AlbumKey {
  id: number;
  artistName: string;
  title: string;
  plexRatingKey: string | null;
  musicbrainzId: string | null;
  genres: string[];
  styles: string[];
  moods: string[];
  source: string;
  status: EntryStatus;
  rawTags: RawTags<AlbumSource>;
  fetchedAt: Date;
  expiresAt: Date;
  lastUsedAt: Date | null;
  useCount: number;
  lastError: string | null;
}

export type AlbumWrite = Omit<AlbumRow, 'id' | 'lastUsedAt' | 'useCount'>;

export const ALBUM_COLUMNS = `
  id, artist_key AS "artistKey", title_key AS "titleKey", artist_name AS "artistName", title,
  plex_rating_key AS "plexRatingKey", musicbrainz_id AS "musicbrainzId", genres, styles, moods, source, status,
  raw_tags AS "rawTags", fetched_at AS "fetchedAt", expires_at AS "expiresAt", last_used_at AS "lastUsedAt",
  use_count AS "useCount", last_error AS "lastError"`;

/** One string per album key, for maps and sets. */
export function albumKeyString(key: AlbumKey): string {
  return `${key.artistKey}\u0000${key.titleKey}`;
}

/** The stored entries of these albums, expired ones included, keyed by albumKeyString. */
export async function getAlbumsByKeys(db: Queryable, keys: readonly AlbumKey[]): Promise<Map<string, AlbumRow>> {
  if (keys.length === 0) return new Map();
  const { rows } = await db.query<AlbumRow>(
    `SELECT ${ALBUM_COLUMNS} FROM album_cache
      WHERE (artist_key, title_key) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
    [keys.map((key) => key.artistKey), keys.map((key) => key.titleKey)],
  );
  return new Map(rows.map((row) => [albumKeyString(row), row]));
}

/** Every stored album of these artists, by artist key, in title-key order: one query for a whole page of artists. */
export async function getAlbumsByArtistKeys(
  db: Queryable,
  artistKeys: readonly string[],
): Promise<Map<string, AlbumRow[]>> {
  const result = new Map<string, AlbumRow[]>(artistKeys.map((key) => [key, []]));
  if (artistKeys.length === 0) return result;
  const { rows } = await db.query<AlbumRow>(
    `SELECT ${ALBUM_COLUMNS} FROM album_cache WHERE artist_key = ANY($1::text[]) ORDER BY artist_key, title_key`,
    [artistKeys],
  );
  for (const row of rows) result.get(row.artistKey)?.push(row);
  return result;
}

// Enough titles to recognise an artist among namesakes; a discography is rarely longer.
const MAX_TITLES = 200;

/** The album titles the cache knows for an artist, from its albums and from its tracks' album titles. */
export async function findAlbumTitlesOfArtist(db: Queryable, artistKey: string): Promise<string[]> {
  const { rows } = await db.query<{ title: string }>(
    `SELECT title FROM album_cache WHERE artist_key = $1
      UNION
     SELECT album_title FROM track_cache WHERE artist_key = $1 AND album_title IS NOT NULL
      LIMIT $2`,
    [artistKey, MAX_TITLES],
  );
  return rows.map((row) => row.title);
}

/** Which of these albums have an entry that has not expired (as albumKeyString values): one query. */
export async function findFreshAlbumKeys(db: Queryable, keys: readonly AlbumKey[], now: Date): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const { rows } = await db.query<AlbumKey>(
    `SELECT artist_key AS "artistKey", title_key AS "titleKey" FROM album_cache
      WHERE (artist_key, title_key) IN (SELECT * FROM unnest($1::text[], $2::text[])) AND expires_at > $3`,
    [keys.map((key) => key.artistKey), keys.map((key) => key.titleKey), now],
  );
  return new Set(rows.map(albumKeyString));
}

export interface AlbumFilter extends EntryFilter {
  /** Albums of this artist (compared by normalised name). */
  artist?: string | null;
}

/** The entry filters (a search looks in the artist and the title) plus the album's artist. */
export function addAlbumFilter(
  sql: SqlConditions,
  filter: AlbumFilter,
  context: { now: Date; tiers: TierSettings },
): void {
  addEntryFilter(sql, filter, { ...context, keyColumns: ['title_key', 'artist_key'] });
  if (filter.artist !== undefined && filter.artist !== null) {
    const key = normaliseNameKey(filter.artist);
    sql.add(key === null ? 'false' : `artist_key = ${sql.param(key)}`);
  }
}

export interface AlbumPageRequest {
  filter: AlbumFilter;
  /** The key of the last album of the previous page (keyset pagination: stable under inserts). */
  after: AlbumKey | null;
  limit: number;
  now: Date;
  tiers: TierSettings;
}

/** One page of albums in (artist key, title key) order; one row more than `limit` when there is a next page. */
export async function listAlbums(db: Queryable, request: AlbumPageRequest): Promise<AlbumRow[]> {
  const sql = new SqlConditions();
  addAlbumFilter(sql, request.filter, { now: request.now, tiers: request.tiers });
  if (request.after !== null) {
    sql.add(`(artist_key, title_key) > (${sql.param(request.after.artistKey)}, ${sql.param(request.after.titleKey)})`);
  }
  const limit = sql.param(request.limit + 1);
  const { rows } = await db.query<AlbumRow>(
    `SELECT ${ALBUM_COLUMNS} FROM album_cache ${sql.where()} ORDER BY artist_key, title_key LIMIT ${limit}`,
    sql.params,
  );
  return rows;
}

/** How many albums match the filter (a listing's totalCount). */
export async function countAlbums(
  db: Queryable,
  filter: AlbumFilter,
  context: { now: Date; tiers: TierSettings },
): Promise<number> {
  const sql = new SqlConditions();
  addAlbumFilter(sql, filter, context);
  const { rows } = await db.query<{ count: string }>(
    `SELECT count(*)::text AS count FROM album_cache ${sql.where()}`,
    sql.params,
  );
  return Number(rows[0]?.count ?? 0);
}

/** Writes a batch of album entries in one statement; usage columns are left to readers. */
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
    source: entry.source,
    status: entry.status,
    raw_tags: entry.rawTags,
    fetched_at: entry.fetchedAt.toISOString(),
    expires_at: entry.expiresAt.toISOString(),
    last_error: entry.lastError,
  }));
  const result = await db.query(
    `INSERT INTO album_cache AS a (artist_key, title_key, artist_name, title, plex_rating_key, musicbrainz_id, genres, styles,
                                  moods, source, status, raw_tags, fetched_at, expires_at, last_error, updated_at)
     SELECT r.artist_key, r.title_key, r.artist_name, r.title, r.plex_rating_key, r.musicbrainz_id, r.genres, r.styles,
            r.moods, r.source, r.status::entry_status, r.raw_tags, r.fetched_at, r.expires_at, r.last_error, now()
       FROM jsonb_to_recordset($1::jsonb) AS r(artist_key text, title_key text, artist_name text, title text,
            plex_rating_key text, musicbrainz_id text, genres text[], styles text[], moods text[], source text,
            status text, raw_tags jsonb, fetched_at timestamptz, expires_at timestamptz, last_error text)
     ON CONFLICT (artist_key, title_key) DO UPDATE SET
       artist_name = EXCLUDED.artist_name, title = EXCLUDED.title,
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

export type AlbumUsageRecord = Omit<UsageRecord<string>, 'key'> & { key: AlbumKey };

/** As recordArtistUsage, for album_cache keyed by (artist_key, title_key). */
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
