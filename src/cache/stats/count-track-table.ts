// Statistics of track_cache in one statement. Tracks have no facets worth counters (no source, status
// or own genre ranking), so the total is a count(*) and the rest are range scans over the expiry and
// last_used_at indexes.
import type { Queryable } from '../../db/queryable.ts';
import type { StatisticsBounds } from './statistics-bounds.ts';
import type { TrackTableStatistics } from './statistics.ts';

const STATEMENT = `
SELECT (SELECT count(*) FROM track_cache) AS "total",
       (SELECT count(*) FROM track_cache WHERE static_expires_at <= $1) AS "expired",
       (SELECT count(*) FROM track_cache WHERE static_expires_at > $1 AND static_expires_at <= $2) AS "expiringSoon",
       (SELECT count(*) FROM track_cache WHERE stats_expires_at <= $1) AS "statsExpired",
       (SELECT count(*) FROM track_cache WHERE last_used_at >= $3) AS "hot",
       (SELECT count(*) FROM track_cache WHERE last_used_at >= $4 AND last_used_at < $3) AS "warm"`;

type Row = Record<'total' | 'expired' | 'expiringSoon' | 'statsExpired' | 'hot' | 'warm', string>;

export async function countTrackTable(db: Queryable, bounds: StatisticsBounds): Promise<TrackTableStatistics> {
  const { rows } = await db.query<Row>(STATEMENT, [bounds.now, bounds.expiringBefore, bounds.hotSince, bounds.warmSince]);
  const row = rows[0];
  if (!row) throw new Error('statistics query on track_cache returned no row');
  const total = Number(row.total);
  const expired = Number(row.expired);
  const statsExpired = Number(row.statsExpired);
  const hot = Number(row.hot);
  const warm = Number(row.warm);
  return {
    total,
    fresh: total - expired,
    expiringSoon: Number(row.expiringSoon),
    expired,
    statsTier: { fresh: total - statsExpired, expired: statsExpired },
    byTier: { hot, warm, cold: total - hot - warm },
  };
}
