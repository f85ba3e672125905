import { describe, expect, it } from 'vitest';
import { planRefresh } from '../../src/cache/policy/refresh-planner.ts';
import { histogramFromRows, selectionParameters } from '../../src/cache/policy/refresh-selection.ts';

const DAY = 86_400_000;
const now = new Date('2026-11-26T00:00:00.000Z');
const tiers = { hotDays: 30, warmDays: 180, coldDays: 365, refreshCold: false };

describe('refresh query bridge', () => {
  it('builds the planner histogram from GROUP BY rows in any order', () => {
    const histogram = histogramFromRows([
      { tier: 'warm', bucket: 3, count: 4 },
      { tier: 'hot', bucket: 0, count: 2 },
      { tier: 'hot', bucket: 3, count: 1 },
      { tier: 'cold', bucket: 1, count: 7 },
      { tier: 'hot', bucket: 0, count: 1 },
    ]);
    expect(histogram).toEqual({ hot: [3, 0, 0, 1], warm: [0, 0, 0, 4], cold: [0, 7, 0, 0] });
    const plan = planRefresh([{ name: 'artists', histogram, requestsPerEntry: 1 }], {
      now,
      lookaheadHours: 168,
      floor: 0,
      requestCap: 1000,
      refreshCold: false,
    });
    expect(plan.budget).toBe(3); // hot+warm: 3 due now, 8 within four runs → max(3, ceil(8/4))
  });

  it('gives the selection its tier bounds', () => {
    const selection = { limit: 12, expiresBefore: new Date(now.getTime() + 5 * 3_600_000) };
    expect(selectionParameters(selection, now, tiers)).toEqual({
      limit: 12,
      expiresBefore: selection.expiresBefore,
      hotSince: new Date(now.getTime() - 30 * DAY),
      warmSince: new Date(now.getTime() - 180 * DAY),
      eligibleSince: new Date(now.getTime() - 180 * DAY),
    });
    expect(selectionParameters(selection, now, { ...tiers, refreshCold: true }).eligibleSince).toEqual(
      new Date(now.getTime() - 365 * DAY),
    );
  });
});
