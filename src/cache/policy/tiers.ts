// Usage tiers from `last_used_at` (config.refresh): hot = used in the last HOT_TIER_DAYS, warm = in the
// last WARM_TIER_DAYS, cold = everything else, including entries never used since their first warm.
// Hot and warm entries are refreshed before they expire. Cold entries lapse unless REFRESH_COLD_ENTRIES;
// even then an entry unused for COLD_TIER_DAYS (or never used) lapses: nobody has wanted it for a year.
import type { Config } from '../../config.ts';
import type { UsageTier } from '../../types.ts';

export type TierSettings = Pick<Config['refresh'], 'hotDays' | 'warmDays' | 'coldDays' | 'refreshCold'>;

const DAY_MS = 86_400_000;

/** The `last_used_at` bounds of each tier at `now`, as the SQL side compares them. */
export interface TierBounds {
  /** last_used_at >= hotSince → hot. */
  hotSince: Date;
  /** last_used_at >= warmSince (and not hot) → warm. */
  warmSince: Date;
  /** Entries used before this (or never) are never refreshed ahead, whatever REFRESH_COLD_ENTRIES says. */
  dormantBefore: Date;
}

export function tierBounds(now: Date, settings: TierSettings): TierBounds {
  const at = (days: number) => new Date(now.getTime() - days * DAY_MS);
  return { hotSince: at(settings.hotDays), warmSince: at(settings.warmDays), dormantBefore: at(settings.coldDays) };
}

export function classifyTier(lastUsedAt: Date | null | undefined, now: Date, settings: TierSettings): UsageTier {
  if (lastUsedAt === null || lastUsedAt === undefined) return 'cold';
  const bounds = tierBounds(now, settings);
  if (lastUsedAt.getTime() >= bounds.hotSince.getTime()) return 'hot';
  if (lastUsedAt.getTime() >= bounds.warmSince.getTime()) return 'warm';
  return 'cold';
}

/** Whether the refresh job keeps this entry fresh ahead of expiry. */
export function isRefreshedAhead(lastUsedAt: Date | null | undefined, now: Date, settings: TierSettings): boolean {
  const tier = classifyTier(lastUsedAt, now, settings);
  if (tier !== 'cold') return true;
  if (!settings.refreshCold || lastUsedAt === null || lastUsedAt === undefined) return false;
  return lastUsedAt.getTime() >= tierBounds(now, settings).dormantBefore.getTime();
}

/**
 * Whether a read should refresh the entry right away (stale-while-revalidate). Expired: always. Not yet
 * expired: only an entry the planner was not keeping fresh (`refreshedAhead` false, i.e. cold before this
 * read) that expires before the next refresh run could pick it up; otherwise its next read would be stale.
 */
export function shouldRevalidateOnRead(
  entry: { expiresAt: Date; refreshedAhead: boolean },
  now: Date,
  runIntervalHours = 1,
): boolean {
  const left = entry.expiresAt.getTime() - now.getTime();
  if (left <= 0) return true;
  return !entry.refreshedAhead && left <= runIntervalHours * 3_600_000;
}
