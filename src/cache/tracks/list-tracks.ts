import type { Queryable } from '../../db/queryable.ts';
import { SqlConditions } from '../listing/sql-conditions.ts';
import type { TierSettings } from '../tiers.ts';
import { addTrackFilter, type TrackFilter } from './track-filter.ts';
import { TRACK_COLUMNS, TRACK_ORDER_COLUMNS, type TrackPosition, type TrackRow } from './track-row.ts';

export interface TrackPageRequest {
  filter: TrackFilter;
  /** The position of the last track of the previous page (keyset pagination: stable under inserts). */
  after: TrackPosition | null;
  limit: number;
  now: Date;
  tiers: TierSettings;
}

/** One page of tracks in artist, album, disc, track order; one row more than `limit` when there is a next page. */
export async function listTracks(db: Queryable, request: TrackPageRequest): Promise<TrackRow[]> {
  const sql = new SqlConditions();
  addTrackFilter(sql, request.filter, { now: request.now, tiers: request.tiers });
  if (request.after !== null) {
    const [artistKey, albumKey, disc, track, ratingKey] = request.after;
    sql.add(
      `(${TRACK_ORDER_COLUMNS}) > (${sql.param(artistKey)}, ${sql.param(albumKey)}, ${sql.param(disc)}::int, ${sql.param(track)}::int, ${sql.param(ratingKey)})`,
    );
  }
  const limit = sql.param(request.limit + 1);
  const { rows } = await db.query<TrackRow>(
    `SELECT ${TRACK_COLUMNS} FROM track_cache ${sql.where()} ORDER BY ${TRACK_ORDER_COLUMNS} LIMIT ${limit}`,
    sql.params,
  );
  return rows;
}
