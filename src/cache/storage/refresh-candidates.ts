import type { Queryable } from '../../db/queryable.ts';
import type { HistogramRow, SelectionParameters } from '../policy/refresh-selection.ts';
import { ALBUM_COLUMNS, type AlbumRow } from './album-cache.ts';
import { ARTIST_COLUMNS, type ArtistRow } from './artist-cache.ts';

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

// Hot first, then warm, then (with REFRESH_COLD_ENTRIES) cold; each by soonest expiry.
const ORDER = `CASE WHEN last_used_at >= $2 THEN 0 WHEN last_used_at >= $3 THEN 1 ELSE 2 END, expires_at`;

export async function selectArtistsToRefresh(db: Queryable, parameters: SelectionParameters): Promise<ArtistRow[]> {
  const { rows } = await db.query<ArtistRow>(
    `SELECT ${ARTIST_COLUMNS} FROM artist_cache
      WHERE last_used_at >= $4 AND expires_at < $1
      ORDER BY ${ORDER} LIMIT $5`,
    [parameters.expiresBefore, parameters.hotSince, parameters.warmSince, parameters.eligibleSince, parameters.limit],
  );
  return rows;
}

export async function selectAlbumsToRefresh(db: Queryable, parameters: SelectionParameters): Promise<AlbumRow[]> {
  const { rows } = await db.query<AlbumRow>(
    `SELECT ${ALBUM_COLUMNS} FROM album_cache
      WHERE last_used_at >= $4 AND expires_at < $1
      ORDER BY ${ORDER} LIMIT $5`,
    [parameters.expiresBefore, parameters.hotSince, parameters.warmSince, parameters.eligibleSince, parameters.limit],
  );
  return rows;
}
