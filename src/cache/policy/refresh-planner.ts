// How much the hourly refresh does, and which entries. The store answers with counts (a histogram of
// expiries per run interval, by tier); the planner answers with one selection per table that the store
// runs as `WHERE <eligible tier> AND expires_at < $expiresBefore ORDER BY tier, expires_at LIMIT $limit`.
//
// Budget rule (entries per run, all tables together):
//   due(i)    = hot+warm entries (and refreshable cold ones with REFRESH_COLD_ENTRIES) that expire within
//               i+1 runs; already expired entries count in due(0)
//   required  = max over i inside the lookahead of ceil(due(i) / (i+1)): the least constant rate at which
//               refreshing soonest-expiry-first meets every deadline in the lookahead
//   smoothed  = the same maximum over the whole histogram (or `smoothingHorizonHours`): the least
//               constant rate that meets every known deadline, which starts a coming cluster (a big warm's
//               expiries) early and spreads it. Its price is refreshing some entries before the lookahead:
//               in the year simulation ~15% more requests than lookahead-only, for half the busiest hour.
//   budget    = max(min(HOURLY_REFRESH_LIMIT, due(lookahead)), required, smoothed)
// then cut to the providers' request cap. Uncapped, the selection takes the budget soonest-expiring
// entries (the horizon is the earliest run interval that holds the budget), so order across tiers does
// not matter and no deadline is missed. Capped, it falls back to the contract order inside the lookahead:
// hot first, then warm, each by soonest expiry, so what lapses is never hot while hot alone fits.
import type { UsageTier } from '../../types.ts';

/** Index i counts entries due within the next i+1 runs: expired, or expiring in [i, i+1) run intervals from now. */
export interface ExpiryHistogram {
  hot: ArrayLike<number>;
  warm: ArrayLike<number>;
  /** Cold entries that may be refreshed (used within COLD_TIER_DAYS); counted only with REFRESH_COLD_ENTRIES. */
  cold?: ArrayLike<number>;
}

export interface RefreshPool<N extends string = string> {
  name: N;
  histogram: ExpiryHistogram;
  /** Provider requests one refresh costs on average (for an artist: Plex + Last.fm + the share that falls back further). */
  requestsPerEntry: number;
}

export interface RefreshPlanSettings {
  now: Date;
  lookaheadHours: number;
  /** HOURLY_REFRESH_LIMIT: a floor, not a ceiling. */
  floor: number;
  /** Provider requests this run may spend: the providers' rate budgets over the time a run may take. */
  requestCap: number;
  refreshCold: boolean;
  runIntervalHours?: number;
  /** Start coming clusters early (default true); without it only the lookahead is looked at. */
  smoothing?: boolean;
  /** How far ahead smoothing looks (default: the whole histogram). */
  smoothingHorizonHours?: number;
}

export interface PoolSelection<N extends string = string> {
  name: N;
  limit: number;
  /** Select `expires_at < expiresBefore`. */
  expiresBefore: Date;
  /** Tiers the selection may take, in the ORDER BY's order. */
  tiers: UsageTier[];
  expectedRequests: number;
}

export type PlanReason = 'idle' | 'floor' | 'deadlines' | 'smoothing' | 'capped';

export interface RefreshPlan<N extends string = string> {
  /** Entries refreshed this run, all tables together. */
  budget: number;
  reason: PlanReason;
  /** Least entries per run that keeps every deadline inside the lookahead. */
  requiredRate: number;
  /** Least entries per run that keeps every known deadline. */
  smoothedRate: number;
  /** Eligible entries expiring within the lookahead (expired ones included). */
  dueWithinLookahead: number;
  capped: boolean;
  selections: PoolSelection<N>[];
}

const HOUR_MS = 3_600_000;
const EPSILON = 1e-9;

function at(values: ArrayLike<number> | undefined, index: number): number {
  if (values === undefined || index >= values.length) return 0;
  return values[index] ?? 0;
}

function eligibleTiers(refreshCold: boolean): UsageTier[] {
  return refreshCold ? ['hot', 'warm', 'cold'] : ['hot', 'warm'];
}

function tierCount(histogram: ExpiryHistogram, tier: UsageTier, index: number): number {
  return at(histogram[tier], index);
}

/** Eligible entries per bucket of one pool: hot + warm (+ cold when refreshed). */
function eligibleSeries(pool: RefreshPool, length: number, refreshCold: boolean): Float64Array {
  const series = new Float64Array(length);
  const { hot, warm, cold } = pool.histogram;
  const tiers: Array<ArrayLike<number> | undefined> = [hot, warm, refreshCold ? cold : undefined];
  for (const values of tiers) {
    if (values === undefined) continue;
    const end = Math.min(length, values.length);
    for (let index = 0; index < end; index += 1) series[index] = (series[index] ?? 0) + (values[index] ?? 0);
  }
  return series;
}

function histogramLength(pools: readonly RefreshPool[]): number {
  let length = 0;
  for (const { histogram } of pools) {
    length = Math.max(length, histogram.hot.length, histogram.warm.length, histogram.cold?.length ?? 0);
  }
  return length;
}

/** Splits `amount` over pools in proportion to their weights, whole numbers, largest remainders first. */
function apportion(amount: number, weights: readonly number[]): number[] {
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  if (total <= 0 || amount <= 0) return weights.map(() => 0);
  const exact = weights.map((weight) => (amount * weight) / total);
  const shares = exact.map(Math.floor);
  let left = amount - shares.reduce((sum, share) => sum + share, 0);
  const order = exact
    .map((value, index) => ({ index, rest: value - Math.floor(value) }))
    .sort((a, b) => b.rest - a.rest);
  for (const { index } of order) {
    if (left <= 0) break;
    if ((shares[index] ?? 0) < (weights[index] ?? 0)) {
      shares[index] = (shares[index] ?? 0) + 1;
      left -= 1;
    }
  }
  return shares;
}

function validate(pools: readonly RefreshPool[], settings: RefreshPlanSettings): void {
  if (!(settings.lookaheadHours >= 0)) throw new RangeError('lookaheadHours must be 0 or more');
  if (!(settings.floor >= 0)) throw new RangeError('floor must be 0 or more');
  if (!(settings.requestCap >= 0)) throw new RangeError('requestCap must be 0 or more');
  if (settings.runIntervalHours !== undefined && !(settings.runIntervalHours > 0)) {
    throw new RangeError('runIntervalHours must be positive');
  }
  for (const pool of pools) {
    if (!(pool.requestsPerEntry > 0)) throw new RangeError(`${pool.name}: requestsPerEntry must be positive`);
  }
}

/** Plans one refresh run over one or more tables that share the providers' request budget. */
export function planRefresh<N extends string>(
  pools: readonly RefreshPool<N>[],
  settings: RefreshPlanSettings,
): RefreshPlan<N> {
  validate(pools, settings);
  const interval = settings.runIntervalHours ?? 1;
  const lookaheadRuns = Math.max(1, Math.ceil(settings.lookaheadHours / interval));
  const smoothing = settings.smoothing ?? true;
  const smoothingRuns =
    settings.smoothingHorizonHours === undefined
      ? Number.POSITIVE_INFINITY
      : Math.max(lookaheadRuns, Math.ceil(settings.smoothingHorizonHours / interval));
  const tiers = eligibleTiers(settings.refreshCold);
  const length = histogramLength(pools);
  const horizon = (runs: number) => new Date(settings.now.getTime() + runs * interval * HOUR_MS);

  // Cumulative due counts (all pools) and the rates they imply.
  const perPool = pools.map((pool) => eligibleSeries(pool, length, settings.refreshCold));
  const cumulative = new Float64Array(length);
  for (const series of perPool) {
    for (let index = 0; index < length; index += 1) cumulative[index] = (cumulative[index] ?? 0) + (series[index] ?? 0);
  }
  let running = 0;
  let requiredRate = 0;
  let smoothedRate = 0;
  for (let index = 0; index < length; index += 1) {
    running += cumulative[index] ?? 0;
    cumulative[index] = running;
    const rate = running / (index + 1);
    if (index < lookaheadRuns && rate > requiredRate) requiredRate = rate;
    if (index < smoothingRuns && rate > smoothedRate) smoothedRate = rate;
  }
  const total = running;
  const dueWithinLookahead = length === 0 ? 0 : (cumulative[Math.min(lookaheadRuns, length) - 1] ?? 0);

  const floorPart = Math.min(settings.floor, dueWithinLookahead);
  const required = Math.ceil(requiredRate - EPSILON);
  const smoothed = smoothing ? Math.ceil(smoothedRate - EPSILON) : 0;
  let budget = Math.min(total, Math.max(floorPart, required, smoothed));
  let reason: PlanReason = 'floor';
  if (budget === 0) reason = 'idle';
  else if (smoothed > Math.max(floorPart, required)) reason = 'smoothing';
  else if (required > floorPart) reason = 'deadlines';
  const base = { requiredRate, smoothedRate, dueWithinLookahead };

  if (budget === 0) {
    const selections = pools.map((pool) => ({
      name: pool.name,
      limit: 0,
      expiresBefore: horizon(0),
      tiers,
      expectedRequests: 0,
    }));
    return { ...base, budget: 0, reason, capped: false, selections };
  }

  // Soonest expiry first across every pool: the earliest bucket that holds the budget is the horizon.
  let frontier = 0;
  while (frontier < length - 1 && (cumulative[frontier] ?? 0) < budget) frontier += 1;
  const before = frontier === 0 ? 0 : (cumulative[frontier - 1] ?? 0);
  const boundaryShares = apportion(
    budget - before,
    perPool.map((series) => series[frontier] ?? 0),
  );
  const limits = perPool.map((series, poolIndex) => {
    let limit = boundaryShares[poolIndex] ?? 0;
    for (let index = 0; index < frontier; index += 1) limit += series[index] ?? 0;
    return limit;
  });
  const requests = pools.reduce((sum, pool, poolIndex) => sum + (limits[poolIndex] ?? 0) * pool.requestsPerEntry, 0);

  if (requests <= settings.requestCap + EPSILON) {
    return {
      ...base,
      budget,
      reason,
      capped: false,
      selections: pools.map((pool, poolIndex) => {
        const limit = limits[poolIndex] ?? 0;
        return {
          name: pool.name,
          limit,
          expiresBefore: horizon(frontier + 1),
          tiers,
          expectedRequests: limit * pool.requestsPerEntry,
        };
      }),
    };
  }

  // Over the providers' budget: inside the lookahead, hot first, then warm (then cold), soonest expiry first.
  reason = 'capped';
  let remaining = settings.requestCap;
  const cappedLimits = pools.map(() => 0);
  const window = Math.min(lookaheadRuns, length);
  for (const tier of tiers) {
    for (let index = 0; index < window; index += 1) {
      pools.forEach((pool, poolIndex) => {
        const count = tierCount(pool.histogram, tier, index);
        const take = Math.min(count, Math.floor((remaining + EPSILON) / pool.requestsPerEntry));
        if (take <= 0) return;
        cappedLimits[poolIndex] = (cappedLimits[poolIndex] ?? 0) + take;
        remaining -= take * pool.requestsPerEntry;
      });
    }
  }
  budget = cappedLimits.reduce((sum, limit) => sum + limit, 0);
  return {
    ...base,
    budget,
    reason,
    capped: true,
    selections: pools.map((pool, poolIndex) => {
      const limit = cappedLimits[poolIndex] ?? 0;
      return {
        name: pool.name,
        limit,
        expiresBefore: horizon(window),
        tiers,
        expectedRequests: limit * pool.requestsPerEntry,
      };
    }),
  };
}

/** The histogram index of an entry expiring at `expiresAt` (what the store's GROUP BY computes). */
export function expiryBucket(expiresAt: Date, now: Date, runIntervalHours = 1): number {
  return Math.max(0, Math.floor((expiresAt.getTime() - now.getTime()) / (runIntervalHours * HOUR_MS)));
}
