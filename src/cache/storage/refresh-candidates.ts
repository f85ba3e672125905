// What the hourly refresh reads: the expiry histogram the planner sizes its budget from, and the entries
// it selects. Raw SQL for the histogram: a GROUP BY over computed tier and hour buckets.
import type pg from 'pg';
import { prismaOf } from '../../db/prisma.ts';
import type { Queryable } from '../../db/queryable.ts';
import type { HistogramRow, SelectionParameters } from '../policy/refresh-selection.ts';
import type { AlbumEntry } from './album-cache.ts';
import type { ArtistEntry } from './artist-cache.ts';

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

// Hot first, then warm, then (with REFRESH_COLD_ENTRIES) cold; each by soonest expiry. Raw: the order is a
// CASE over the tier bounds, which Prisma's orderBy cannot express; the entries are then read through Prisma.
const ORDER = `CASE WHEN last_used_at >= $2 THEN 0 WHEN last_used_at >= $3 THEN 1 ELSE 2 END, expires_at`;

async function selectIdsToRefresh(
  db: Queryable,
  table: RefreshTable,
  parameters: SelectionParameters,
): Promise<number[]> {
  const { rows } = await db.query<{ id: number }>(
    `SELECT id FROM ${table} WHERE last_used_at >= $4 AND expires_at < $1 ORDER BY ${ORDER} LIMIT $5`,
    [parameters.expiresBefore, parameters.hotSince, parameters.warmSince, parameters.eligibleSince, parameters.limit],
  );
  return rows.map((row) => row.id);
}

function inOrder<T extends { id: number }>(ids: readonly number[], rows: readonly T[]): T[] {
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

export async function selectArtistsToRefresh(pool: pg.Pool, parameters: SelectionParameters): Promise<ArtistEntry[]> {
  const ids = await selectIdsToRefresh(pool, 'artist_cache', parameters);
  if (ids.length === 0) return [];
  return inOrder(ids, await prismaOf(pool).artistCache.findMany({ where: { id: { in: ids } } }));
}

export async function selectAlbumsToRefresh(pool: pg.Pool, parameters: SelectionParameters): Promise<AlbumEntry[]> {
  const ids = await selectIdsToRefresh(pool, 'album_cache', parameters);
  if (ids.length === 0) return [];
  return inOrder(ids, await prismaOf(pool).albumCache.findMany({ where: { id: { in: ids } } }));
}
