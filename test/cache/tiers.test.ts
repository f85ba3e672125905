import { describe, expect, it } from 'vitest';
import {
  classifyTier,
  isRefreshedAhead,
  shouldRevalidateOnRead,
  tierBounds,
  type TierSettings,
} from '../../src/cache/policy/tiers.ts';
import type { UsageTier } from '../../src/types.ts';

const DAY = 86_400_000;
const now = new Date('2026-11-26T00:00:00.000Z');
const ago = (days: number) => new Date(now.getTime() - days * DAY);
const settings: TierSettings = { hotDays: 30, warmDays: 180, coldDays: 365, refreshCold: false };

describe('usage tiers', () => {
  it.each<[string, Date | null, UsageTier, boolean, boolean]>([
    ['used today', ago(0), 'hot', true, true],
    ['used 30 days ago', ago(30), 'hot', true, true],
    ['used 31 days ago', ago(31), 'warm', true, true],
    ['used 180 days ago', ago(180), 'warm', true, true],
    ['used 181 days ago', ago(181), 'cold', false, true],
    ['used 365 days ago', ago(365), 'cold', false, true],
    ['unused for more than a year', ago(366), 'cold', false, false],
    ['never used since the first warm', null, 'cold', false, false],
  ])('%s → %s', (_label, lastUsedAt, tier, ahead, aheadWithCold) => {
    expect(classifyTier(lastUsedAt, now, settings)).toBe(tier);
    expect(isRefreshedAhead(lastUsedAt, now, settings)).toBe(ahead);
    expect(isRefreshedAhead(lastUsedAt, now, { ...settings, refreshCold: true })).toBe(aheadWithCold);
  });

  it('follows the configured thresholds', () => {
    const custom = { hotDays: 7, warmDays: 60, coldDays: 90, refreshCold: false };
    expect(classifyTier(ago(8), now, custom)).toBe('warm');
    expect(classifyTier(ago(61), now, custom)).toBe('cold');
    expect(tierBounds(now, custom)).toEqual({ hotSince: ago(7), warmSince: ago(60), dormantBefore: ago(90) });
  });
});

describe('shouldRevalidateOnRead', () => {
  const inHours = (hours: number) => new Date(now.getTime() + hours * 3_600_000);
  it.each([
    ['expired, kept fresh by the planner', inHours(-1), true, true],
    ['expired, cold', inHours(-1), false, true],
    ['expiring within the hour, kept fresh by the planner (its run takes it)', inHours(0.5), true, false],
    ['expiring within the hour, cold until this read', inHours(0.5), false, true],
    ['expiring in two hours, cold', inHours(2), false, false],
  ])('%s', (_label, expiresAt, refreshedAhead, expected) => {
    expect(shouldRevalidateOnRead({ expiresAt, refreshedAhead }, now)).toBe(expected);
  });
});
