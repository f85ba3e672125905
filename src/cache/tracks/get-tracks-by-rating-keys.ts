import type { Queryable } from '../../db/queryable.ts';
import { TRACK_COLUMNS, type TrackRow } from './track-row.ts';

/** The stored tracks of these ratingKeys, expired ones included, keyed by ratingKey. */
export async function getTracksByRatingKeys(
  db: Queryable,
  ratingKeys: readonly string[],
): Promise<Map<string, TrackRow>> {
  if (ratingKeys.length === 0) return new Map();
  const { rows } = await db.query<TrackRow>(
    `SELECT ${TRACK_COLUMNS} FROM track_cache WHERE rating_key = ANY($1::text[])`,
    [ratingKeys],
  );
  return new Map(rows.map((row) => [row.ratingKey, row]));
}
