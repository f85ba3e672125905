import type { Queryable } from '../../db/queryable.ts';
import { type AlbumWrite, albumKeyString } from './album-row.ts';

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
