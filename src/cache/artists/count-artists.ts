import type { Queryable } from '../../db/queryable.ts';
import { addEntryFilter, type EntryFilter } from '../listing/entry-filter.ts';
import { SqlConditions } from '../listing/sql-conditions.ts';
import type { TierSettings } from '../tiers.ts';

/** How many artists match the filter (a listing's totalCount). */
export async function countArtists(
  db: Queryable,
  filter: EntryFilter,
  context: { now: Date; tiers: TierSettings },
): Promise<number> {
  const sql = new SqlConditions();
  addEntryFilter(sql, filter, { ...context, keyColumns: ['name_key'] });
  const { rows } = await db.query<{ count: string }>(
    `SELECT count(*)::text AS count FROM artist_cache ${sql.where()}`,
    sql.params,
  );
  return Number(rows[0]?.count ?? 0);
}
