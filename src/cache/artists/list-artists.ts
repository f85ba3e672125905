import type { Queryable } from '../../db/queryable.ts';
import { addEntryFilter, type EntryFilter } from '../listing/entry-filter.ts';
import { SqlConditions } from '../listing/sql-conditions.ts';
import type { TierSettings } from '../tiers.ts';
import { ARTIST_COLUMNS, type ArtistRow } from './artist-row.ts';

export interface ArtistPageRequest {
  filter: EntryFilter;
  /** The name key of the last artist of the previous page (keyset pagination: stable under inserts). */
  afterKey: string | null;
  limit: number;
  now: Date;
  tiers: TierSettings;
}

/** One page of artists in name-key order; one row more than `limit` when there is a next page. */
export async function listArtists(db: Queryable, request: ArtistPageRequest): Promise<ArtistRow[]> {
  const sql = new SqlConditions();
  addEntryFilter(sql, request.filter, { now: request.now, tiers: request.tiers, keyColumns: ['name_key'] });
  if (request.afterKey !== null) sql.add(`name_key > ${sql.param(request.afterKey)}`);
  const limit = sql.param(request.limit + 1);
  const { rows } = await db.query<ArtistRow>(
    `SELECT ${ARTIST_COLUMNS} FROM artist_cache ${sql.where()} ORDER BY name_key LIMIT ${limit}`,
    sql.params,
  );
  return rows;
}
