import type { Queryable } from '../../db/queryable.ts';

/** A track's statistics tier as a Plex list page gives it. */
export interface TrackStatsWrite {
  ratingKey: string;
  userRating: number | null;
  viewCount: number;
  skipCount: number;
  lastViewedAt: Date | null;
}

// Typed arrays unnested side by side: a fraction of the bytes and parsing of a row-per-object payload,
// and only the stats columns travel (the static tier is not this refresh's business).
const UPDATE = `
UPDATE track_cache AS t
   SET user_rating = s.user_rating, view_count = s.view_count, skip_count = s.skip_count, last_viewed_at = s.last_viewed_at,
       stats_fetched_at = $6, stats_expires_at = $7, plex_seen_at = now(), updated_at = now()
  FROM unnest($1::text[], $2::double precision[], $3::int[], $4::int[], $5::timestamptz[])
       AS s(rating_key, user_rating, view_count, skip_count, last_viewed_at)
 WHERE t.rating_key = s.rating_key
RETURNING t.rating_key`;

/**
 * Renews the statistics tier of the tracks the cache holds, in one statement; returns the ratingKeys it
 * updated, so the caller knows which tracks are new. plex_seen_at takes the database's clock, which the
 * complete-listing removal compares against.
 */
export async function updateTrackStats(
  db: Queryable,
  tracks: readonly TrackStatsWrite[],
  fetchedAt: Date,
  expiresAt: Date,
): Promise<Set<string>> {
  if (tracks.length === 0) return new Set();
  const unique = [...new Map(tracks.map((track) => [track.ratingKey, track])).values()];
  // Named, so each connection parses and plans it once for the whole sync instead of once a page.
  const { rows } = await db.query<{ rating_key: string }>({
    name: 'update-track-stats',
    text: UPDATE,
    values: [
      unique.map((track) => track.ratingKey),
      unique.map((track) => track.userRating),
      unique.map((track) => track.viewCount),
      unique.map((track) => track.skipCount),
      unique.map((track) => track.lastViewedAt),
      fetchedAt,
      expiresAt,
    ],
  });
  return new Set(rows.map((row) => row.rating_key));
}
