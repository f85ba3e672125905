// The bridge between the planner and the store's SQL, kept pure so both sides agree on bucket and tier
// arithmetic. The store runs, per table:
//   histogram: SELECT <tier>, greatest(0, floor(extract(epoch FROM expires_at - $now) / 3600))::int AS bucket,
//              count(*) FROM <table> WHERE last_used_at >= $eligibleSince GROUP BY 1, 2
//   selection: SELECT ... FROM <table> WHERE last_used_at >= $eligibleSince AND expires_at < $expiresBefore
//              ORDER BY <tier>, expires_at LIMIT $limit
// where <tier> is CASE WHEN last_used_at >= $hotSince THEN 0 WHEN last_used_at >= $warmSince THEN 1 ELSE 2 END.
import type { UsageTier } from '../../types.ts';
import type { ExpiryHistogram, PoolSelection } from './refresh-planner.ts';
import { tierBounds, type TierSettings } from './tiers.ts';

export interface HistogramRow {
  tier: UsageTier;
  /** Run intervals until expiry, floored, 0 for expired entries. */
  bucket: number;
  count: number;
}

/** The planner's histogram from the GROUP BY rows (any order; missing buckets are zero). */
export function histogramFromRows(rows: readonly HistogramRow[]): Required<ExpiryHistogram> {
  let length = 0;
  for (const row of rows) length = Math.max(length, Math.floor(row.bucket) + 1);
  const zeros = () => new Array<number>(length).fill(0);
  const histogram = { hot: zeros(), warm: zeros(), cold: zeros() };
  for (const row of rows) {
    const bucket = Math.max(0, Math.floor(row.bucket));
    histogram[row.tier][bucket] = (histogram[row.tier][bucket] ?? 0) + row.count;
  }
  return histogram;
}

export interface SelectionParameters {
  limit: number;
  expiresBefore: Date;
  hotSince: Date;
  warmSince: Date;
  /** Lower bound on last_used_at of what is refreshed ahead: warmSince, or the dormancy bound with REFRESH_COLD_ENTRIES. */
  eligibleSince: Date;
}

/** The parameters of one table's histogram and selection queries at `now`. */
export function selectionParameters(
  selection: Pick<PoolSelection, 'limit' | 'expiresBefore'>,
  now: Date,
  tiers: TierSettings,
): SelectionParameters {
  const bounds = tierBounds(now, tiers);
  return {
    limit: selection.limit,
    expiresBefore: selection.expiresBefore,
    hotSince: bounds.hotSince,
    warmSince: bounds.warmSince,
    eligibleSince: tiers.refreshCold ? bounds.dormantBefore : bounds.warmSince,
  };
}
