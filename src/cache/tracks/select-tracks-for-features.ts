import type { Queryable } from '../../db/queryable.ts';

/**
 * For AudioMuse versions without the sync API: the next page of tracks (by ratingKey, after `after`) that
 * have no audio features yet (asked again every run, since AudioMuse analyses a library progressively), or
 * whose features were fetched before `recheckBefore` (AudioMuse may have analysed them again since).
 * A row without an AudioMuse item id is an older "not analysed" record and counts as no features.
 */
export async function selectTracksForFeatures(
  db: Queryable,
  options: { after: string | null; recheckBefore: Date; pageSize: number },
): Promise<string[]> {
  const { rows } = await db.query<{ rating_key: string }>(
    `SELECT t.rating_key FROM track_cache t
       LEFT JOIN audio_features f ON f.track_rating_key = t.rating_key
      WHERE ($1::text IS NULL OR t.rating_key > $1) AND (f.audiomuse_item_id IS NULL OR f.fetched_at < $2)
      ORDER BY t.rating_key
      LIMIT $3`,
    [options.after, options.recheckBefore, options.pageSize],
  );
  return rows.map((row) => row.rating_key);
}

/** How many tracks the sync will look at (for progress). */
export async function countTracksForFeatures(db: Queryable, recheckBefore: Date): Promise<number> {
  const { rows } = await db.query<{ count: string }>(
    `SELECT count(*)::text AS count FROM track_cache t
       LEFT JOIN audio_features f ON f.track_rating_key = t.rating_key
      WHERE f.audiomuse_item_id IS NULL OR f.fetched_at < $1`,
    [recheckBefore],
  );
  return Number(rows[0]?.count ?? 0);
}
