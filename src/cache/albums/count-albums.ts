import type { Queryable } from '../../db/queryable.ts';
import { SqlConditions } from '../listing/sql-conditions.ts';
import type { TierSettings } from '../tiers.ts';
import { type AlbumFilter, addAlbumFilter } from './album-filter.ts';

/** How many albums match the filter (a listing's totalCount). */
export async function countAlbums(
  db: Queryable,
  filter: AlbumFilter,
  context: { now: Date; tiers: TierSettings },
): Promise<number> {
  const sql = new SqlConditions();
  addAlbumFilter(sql, filter, context);
  const { rows } = await db.query<{ count: string }>(
    `SELECT count(*)::text AS count FROM album_cache ${sql.where()}`,
    sql.params,
  );
  return Number(rows[0]?.count ?? 0);
}
