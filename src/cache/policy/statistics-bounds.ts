import type { Config } from '../../config.ts';
import { tierBounds } from './tiers.ts';

export type StatisticsSettings = Pick<
  Config['refresh'],
  'lookaheadDays' | 'hotDays' | 'warmDays' | 'coldDays' | 'refreshCold'
>;

/** The time bounds every statistics query compares against, computed once so that all tables agree. */
export interface StatisticsBounds {
  now: Date;
  /** Fresh entries expiring at or before this are "expiring soon". */
  expiringBefore: Date;
  hotSince: Date;
  warmSince: Date;
}

const DAY_MS = 86_400_000;

export function statisticsBounds(now: Date, settings: StatisticsSettings): StatisticsBounds {
  const tiers = tierBounds(now, settings);
  return {
    now,
    expiringBefore: new Date(now.getTime() + settings.lookaheadDays * DAY_MS),
    hotSince: tiers.hotSince,
    warmSince: tiers.warmSince,
  };
}
