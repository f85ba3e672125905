import type { Queryable } from '../../db/queryable.ts';
import { SqlConditions } from '../listing/sql-conditions.ts';
import type { TierSettings } from '../tiers.ts';
import { ALBUM_COLUMNS, type AlbumKey, type AlbumRow } from './album-row.ts';
import { type AlbumFilter, addAlbumFilter } from './album-filter.ts';

export interface AlbumPageRequest {
  filter: AlbumFilter;
  /** The key of the last album of the previous page (keyset pagination: stable under inserts). */
  after: AlbumKey | null;
  limit: number;
  now: Date;
  tiers: TierSettings;
}

/** One page of albums in (artist key, title key) order; one row more than `limit` when there is a next page. */
export async function listAlbums(db: Queryable, request: AlbumPageRequest): Promise<AlbumRow[]> {
  const sql = new SqlConditions();
  addAlbumFilter(sql, request.filter, { now: request.now, tiers: request.tiers });
  if (request.after !== null) {
    sql.add(`(artist_key, title_key) > (${sql.param(request.after.artistKey)}, ${sql.param(request.after.titleKey)})`);
  }
  const limit = sql.param(request.limit + 1);
  const { rows } = await db.query<AlbumRow>(
    `SELECT ${ALBUM_COLUMNS} FROM album_cache ${sql.where()} ORDER BY artist_key, title_key LIMIT ${limit}`,
    sql.params,
  );
  return rows;
}
