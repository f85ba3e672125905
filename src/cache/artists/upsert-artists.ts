import type { Queryable } from '../../db/queryable.ts';
import type { ArtistWrite } from './artist-row.ts';

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
