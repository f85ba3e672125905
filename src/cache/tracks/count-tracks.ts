import type { Queryable } from '../../db/queryable.ts';
import { SqlConditions } from '../listing/sql-conditions.ts';
import type { TierSettings } from '../tiers.ts';
import { addTrackFilter, type TrackFilter } from './track-filter.ts';

/** How many tracks match the filter (a listing's totalCount). */
export async function countTracks(
  db: Queryable,
  filter: TrackFilter,
  context: { now: Date; tiers: TierSettings },
): Promise<number> {
  const sql = new SqlConditions();
  addTrackFilter(sql, filter, context);
  const { rows } = await db.query<{ count: string }>(
    `SELECT count(*)::text AS count FROM track_cache ${sql.where()}`,
    sql.params,
  );
  return Number(rows[0]?.count ?? 0);
}
