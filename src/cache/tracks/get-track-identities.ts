import type { Queryable } from '../../db/queryable.ts';
import type { PlexTrackIdentity } from '../../enrichment/audio-features-match.ts';

/** Title and album artist of these cached tracks, keyed by ratingKey (to check what a provider returns). */
export async function getTrackIdentities(
  db: Queryable,
  ratingKeys: readonly string[],
): Promise<Map<string, PlexTrackIdentity>> {
  if (ratingKeys.length === 0) return new Map();
  const { rows } = await db.query<{ rating_key: string; title: string; artist_name: string }>(
    'SELECT rating_key, title, artist_name FROM track_cache WHERE rating_key = ANY($1::text[])',
    [ratingKeys],
  );
  return new Map(rows.map((row) => [row.rating_key, { title: row.title, artistName: row.artist_name }]));
}
