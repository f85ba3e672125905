// Statistics of track_cache in one statement, in time independent of the table's size: every figure
// comes from the day buckets of cache_time_buckets (the total too: every track has one last_used_at
// bucket, NULL included) plus a range scan of the one day each bound falls in (time-buckets.ts).
// Tracks have no facets worth counters (no source, status or own genre ranking).
// Raw SQL: seven scalar subqueries over buckets and index ranges in one statement (one snapshot); Prisma
// would send each as a query of its own.
import type { Queryable } from '../../../db/queryable.ts';
import type { StatisticsBounds } from '../../policy/statistics-bounds.ts';
import type { TrackTableStatistics } from '../../use-cases/statistics/statistics.ts';
import { type BucketedColumn, countAll, countNull, countUpTo } from './time-buckets.ts';

const staticExpiry: BucketedColumn = { table: 'track_cache', entity: 'track', column: 'static_expires_at' };
const statsExpiry: BucketedColumn = { table: 'track_cache', entity: 'track', column: 'stats_expires_at' };
const used: BucketedColumn = { table: 'track_cache', entity: 'track', column: 'last_used_at' };

const STATEMENT = `
SELECT ${countAll(used)} AS "total",
       ${countUpTo(staticExpiry, '$1', true)} AS "expired",
       ${countUpTo(staticExpiry, '$2', true)} AS "expiredBySoon",
       ${countUpTo(statsExpiry, '$1', true)} AS "statsExpired",
       ${countUpTo(used, '$3', false)} AS "usedBeforeHot",
       ${countUpTo(used, '$4', false)} AS "usedBeforeWarm",
       ${countNull(used)} AS "neverUsed"`;

type Row = Record<
  'total' | 'expired' | 'expiredBySoon' | 'statsExpired' | 'usedBeforeHot' | 'usedBeforeWarm' | 'neverUsed',
  string
>;

export async function countTrackTable(db: Queryable, bounds: StatisticsBounds): Promise<TrackTableStatistics> {
  const { rows } = await db.query<Row>(STATEMENT, [
    bounds.now,
    bounds.expiringBefore,
    bounds.hotSince,
    bounds.warmSince,
  ]);
  const row = rows[0];
  if (!row) throw new Error('statistics query on track_cache returned no row');
  const total = Number(row.total);
  const expired = Number(row.expired);
  const statsExpired = Number(row.statsExpired);
  const usedBeforeHot = Number(row.usedBeforeHot);
  const hot = total - Number(row.neverUsed) - usedBeforeHot;
  const warm = usedBeforeHot - Number(row.usedBeforeWarm);
  return {
    total,
    fresh: total - expired,
    expiringSoon: Number(row.expiredBySoon) - expired,
    expired,
    statsTier: { fresh: total - statsExpired, expired: statsExpired },
    byTier: { hot, warm, cold: total - hot - warm },
  };
}
