import type { Queryable } from '../../db/queryable.ts';
import type { TrackRow } from './track-row.ts';

/** A track as listed by Plex, ready to store (fetch times and usage are set by the database). */
export type TrackWrite = Omit<TrackRow, 'staticFetchedAt' | 'statsFetchedAt' | 'lastUsedAt' | 'useCount'>;

/** Which tier of existing rows a sync refreshes; new tracks always get both. */
export type TrackTier = 'stats' | 'static';

const INSERT = `
INSERT INTO track_cache AS t (rating_key, title, artist_name, album_title, artist_key, album_key, track_number, disc_number,
       duration_ms, year, musicbrainz_id, genres, moods, static_fetched_at, static_expires_at, user_rating, view_count,
       skip_count, last_viewed_at, stats_fetched_at, stats_expires_at, plex_seen_at, updated_at)
SELECT r.rating_key, r.title, r.artist_name, r.album_title, r.artist_key, r.album_key, r.track_number, r.disc_number,
       r.duration_ms, r.year, r.musicbrainz_id, r.genres, r.moods, $2, r.static_expires_at, r.user_rating, r.view_count,
       r.skip_count, r.last_viewed_at, $2, r.stats_expires_at, now(), now()
  FROM jsonb_to_recordset($1::jsonb) AS r(rating_key text, title text, artist_name text, album_title text, artist_key text,
       album_key text, track_number int, disc_number int, duration_ms int, year int, musicbrainz_id text, genres text[],
       moods text[], static_expires_at timestamptz, user_rating double precision, view_count int, skip_count int,
       last_viewed_at timestamptz, stats_expires_at timestamptz)
ON CONFLICT (rating_key) DO UPDATE SET plex_seen_at = EXCLUDED.plex_seen_at, updated_at = now(), `;

// Reading one tier never refreshes the other: each mode updates only its own columns.
const UPDATE_STATS = `
  user_rating = EXCLUDED.user_rating, view_count = EXCLUDED.view_count, skip_count = EXCLUDED.skip_count,
  last_viewed_at = EXCLUDED.last_viewed_at, stats_fetched_at = EXCLUDED.stats_fetched_at,
  stats_expires_at = EXCLUDED.stats_expires_at`;

const UPDATE_STATIC = `
  title = EXCLUDED.title, artist_name = EXCLUDED.artist_name, album_title = EXCLUDED.album_title,
  artist_key = EXCLUDED.artist_key, album_key = EXCLUDED.album_key, track_number = EXCLUDED.track_number,
  disc_number = EXCLUDED.disc_number, duration_ms = EXCLUDED.duration_ms, year = EXCLUDED.year,
  musicbrainz_id = EXCLUDED.musicbrainz_id, genres = EXCLUDED.genres, moods = EXCLUDED.moods,
  static_fetched_at = EXCLUDED.static_fetched_at, static_expires_at = EXCLUDED.static_expires_at`;

/**
 * Upserts one Plex page of tracks in one statement; returns how many rows were new. plex_seen_at takes
 * the database's clock, which the complete-listing removal compares against.
 */
export async function upsertTrackPage(
  db: Queryable,
  tracks: readonly TrackWrite[],
  tier: TrackTier,
  fetchedAt: Date,
): Promise<number> {
  if (tracks.length === 0) return 0;
  const unique = [...new Map(tracks.map((track) => [track.ratingKey, track])).values()];
  const payload = unique.map((track) => ({
    rating_key: track.ratingKey,
    title: track.title,
    artist_name: track.artistName,
    album_title: track.albumTitle,
    artist_key: track.artistKey,
    album_key: track.albumKey,
    track_number: track.trackNumber,
    disc_number: track.discNumber,
    duration_ms: track.durationMs,
    year: track.year,
    musicbrainz_id: track.musicbrainzId,
    genres: track.genres,
    moods: track.moods,
    static_expires_at: track.staticExpiresAt.toISOString(),
    user_rating: track.userRating,
    view_count: track.viewCount,
    skip_count: track.skipCount,
    last_viewed_at: track.lastViewedAt?.toISOString() ?? null,
    stats_expires_at: track.statsExpiresAt.toISOString(),
  }));
  // xmax = 0 marks a row this statement inserted rather than updated.
  const { rows } = await db.query<{ inserted: boolean }>(
    `${INSERT}${tier === 'stats' ? UPDATE_STATS : UPDATE_STATIC} RETURNING (xmax = 0) AS inserted`,
    [JSON.stringify(payload), fetchedAt],
  );
  return rows.filter((row) => row.inserted).length;
}
