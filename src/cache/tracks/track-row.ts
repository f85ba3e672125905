/** A track_cache row as the API reads it: the static tier, the stats tier and usage. */
export interface TrackRow {
  ratingKey: string;
  title: string;
  artistName: string;
  albumTitle: string | null;
  artistKey: string;
  /** The album's normalised title (with artistKey, the album entry's key); null for a track without an album. */
  albumKey: string | null;
  trackNumber: number | null;
  discNumber: number | null;
  durationMs: number | null;
  year: number | null;
  musicbrainzId: string | null;
  genres: string[];
  moods: string[];
  staticFetchedAt: Date;
  staticExpiresAt: Date;
  userRating: number | null;
  viewCount: number;
  skipCount: number;
  lastViewedAt: Date | null;
  statsFetchedAt: Date;
  statsExpiresAt: Date;
  lastUsedAt: Date | null;
  useCount: number;
}

export const TRACK_COLUMNS = `
  rating_key AS "ratingKey", title, artist_name AS "artistName", album_title AS "albumTitle", artist_key AS "artistKey",
  album_key AS "albumKey", track_number AS "trackNumber", disc_number AS "discNumber", duration_ms AS "durationMs", year,
  musicbrainz_id AS "musicbrainzId", genres, moods, static_fetched_at AS "staticFetchedAt",
  static_expires_at AS "staticExpiresAt", user_rating AS "userRating", view_count AS "viewCount", skip_count AS "skipCount",
  last_viewed_at AS "lastViewedAt", stats_fetched_at AS "statsFetchedAt", stats_expires_at AS "statsExpiresAt",
  last_used_at AS "lastUsedAt", use_count AS "useCount"`;

/** Listing order of tracks: by artist, album, disc and track number; the ratingKey makes it total. */
export const TRACK_ORDER_COLUMNS = `artist_key, COALESCE(album_key, ''), COALESCE(disc_number, 0), COALESCE(track_number, 0), rating_key`;

/** A track's position in TRACK_ORDER_COLUMNS: what a listing cursor holds. */
export type TrackPosition = [
  artistKey: string,
  albumKey: string,
  discNumber: number,
  trackNumber: number,
  ratingKey: string,
];

export function trackPosition(row: TrackRow): TrackPosition {
  return [row.artistKey, row.albumKey ?? '', row.discNumber ?? 0, row.trackNumber ?? 0, row.ratingKey];
}
