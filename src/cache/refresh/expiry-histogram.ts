import type { Queryable } from '../../db/queryable.ts';
import type { HistogramRow, SelectionParameters } from '../refresh-query.ts';

export type RefreshTable = 'artist_cache' | 'album_cache';

/** Eligible entries per usage tier and hour-until-expiry bucket (the planner's input), in one query. */
export async function expiryHistogram(
  db: Queryable,
  table: RefreshTable,
  now: Date,
  bounds: Pick<SelectionParameters, 'hotSince' | 'warmSince' | 'eligibleSince'>,
): Promise<HistogramRow[]> {
  const { rows } = await db.query<{ tier: 'hot' | 'warm' | 'cold'; bucket: number; count: string }>(
    `SELECT CASE WHEN last_used_at >= $2 THEN 'hot' WHEN last_used_at >= $3 THEN 'warm' ELSE 'cold' END AS tier,
            greatest(0, floor(extract(epoch FROM expires_at - $1) / 3600))::int AS bucket,
            count(*)::text AS count
       FROM ${table}
      WHERE last_used_at >= $4
      GROUP BY 1, 2`,
    [now, bounds.hotSince, bounds.warmSince, bounds.eligibleSince],
  );
  return rows.map((row) => ({ tier: row.tier, bucket: row.bucket, count: Number(row.count) }));
}
