import type { Queryable } from '../../db/queryable.ts';

/** Which of these ratingKeys the cache already holds (one primary-key probe for the whole list). */
export async function existingTrackKeys(db: Queryable, ratingKeys: readonly string[]): Promise<Set<string>> {
  if (ratingKeys.length === 0) return new Set();
  const { rows } = await db.query<{ rating_key: string }>('SELECT rating_key FROM track_cache WHERE rating_key = ANY($1::text[])', [
    ratingKeys,
  ]);
  return new Set(rows.map((row) => row.rating_key));
}
