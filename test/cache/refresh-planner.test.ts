import { describe, expect, it } from 'vitest';
import {
  expiryBucket,
  planRefresh,
  type RefreshPlanSettings,
  type RefreshPool,
} from '../../src/cache/policy/refresh-planner.ts';

const now = new Date('2026-11-26T00:00:00.000Z');
const HOUR = 3_600_000;
const LOOKAHEAD = 7 * 24;

const settings = (overrides: Partial<RefreshPlanSettings> = {}): RefreshPlanSettings => ({
  now,
  lookaheadHours: LOOKAHEAD,
  floor: 10,
  requestCap: 100_000,
  refreshCold: false,
  ...overrides,
});

/** A histogram from sparse `{ bucket: count }` maps. */
function series(counts: Record<number, number>, length = 24 * 200): number[] {
  const values = new Array<number>(length).fill(0);
  for (const [bucket, count] of Object.entries(counts)) values[Number(bucket)] = count;
  return values;
}

function pool(
  name: string,
  hot: Record<number, number>,
  warm: Record<number, number> = {},
  extra: Partial<RefreshPool> = {},
): RefreshPool {
  return { name, histogram: { hot: series(hot), warm: series(warm) }, requestsPerEntry: 2, ...extra };
}

describe('planRefresh budget', () => {
  it.each([
    { label: 'nothing due: idle', pools: [pool('artists', {})], budget: 0, reason: 'idle' },
    {
      label: 'a few due in the lookahead: all of them, under the floor',
      pools: [pool('artists', { 30: 3 })],
      budget: 3,
      reason: 'floor',
    },
    {
      label: 'many due late in the lookahead: the floor, not more',
      pools: [pool('artists', { 150: 200 })],
      budget: 10,
      reason: 'floor',
      smoothing: false,
    },
    {
      label: 'more due soon than the floor can refresh in time: the budget rises (the floor is not a ceiling)',
      pools: [pool('artists', { 0: 5, 1: 20, 2: 40 })],
      budget: 22, // 65 entries due within 3 runs
      reason: 'deadlines',
    },
    {
      label: 'expired hot entries are due now',
      pools: [pool('artists', { 0: 57 })],
      budget: 57,
      reason: 'deadlines',
    },
    {
      label: 'a cluster beyond the lookahead is started early at the rate that meets its deadlines',
      pools: [pool('albums', { 999: 60_000 })],
      budget: 60, // 60,000 due within 1,000 runs
      reason: 'smoothing',
    },
    {
      label: 'without smoothing the cluster waits for the lookahead',
      pools: [pool('albums', { 999: 60_000 })],
      budget: 0,
      reason: 'idle',
      smoothing: false,
    },
    {
      label: 'smoothing looks only as far as its horizon when one is set',
      pools: [pool('albums', { 999: 60_000 })],
      budget: 0,
      reason: 'idle',
      smoothingHorizonHours: 500,
    },
    {
      label: 'warm entries count like hot ones',
      pools: [pool('artists', { 1: 10 }, { 1: 30 })],
      budget: 20,
      reason: 'deadlines',
    },
    {
      label: 'tables share one budget',
      pools: [pool('artists', { 0: 4 }), pool('albums', { 0: 8 })],
      budget: 12,
      reason: 'deadlines',
    },
  ])('$label', ({ pools, budget, reason, smoothing, smoothingHorizonHours }) => {
    const plan = planRefresh(pools, settings({ smoothing, smoothingHorizonHours }));
    expect(plan.budget).toBe(budget);
    expect(plan.reason).toBe(reason);
    expect(plan.selections.reduce((sum, selection) => sum + selection.limit, 0)).toBe(budget);
  });

  it('ignores cold entries unless REFRESH_COLD_ENTRIES', () => {
    const cold: RefreshPool = {
      name: 'artists',
      histogram: { hot: series({}), warm: series({}), cold: series({ 0: 50 }) },
      requestsPerEntry: 1,
    };
    expect(planRefresh([cold], settings()).budget).toBe(0);
    const plan = planRefresh([cold], settings({ refreshCold: true }));
    expect(plan.budget).toBe(50);
    expect(plan.selections[0]?.tiers).toEqual(['hot', 'warm', 'cold']);
  });
});

describe('planRefresh selection', () => {
  it('selects the soonest-expiring entries: the horizon is the first run interval that holds the budget', () => {
    const plan = planRefresh([pool('artists', { 0: 2, 3: 5, 10: 8, 100: 50 })], settings());
    expect(plan.budget).toBe(10); // the floor
    expect(plan.selections[0]).toMatchObject({
      limit: 10,
      expiresBefore: new Date(now.getTime() + 11 * HOUR),
      tiers: ['hot', 'warm'],
    });
  });

  it('splits the boundary interval between tables in proportion, soonest first across tables', () => {
    const plan = planRefresh(
      [pool('artists', { 0: 6, 5: 10 }), pool('albums', { 2: 4, 5: 30 })],
      settings({ floor: 30 }),
    );
    expect(plan.budget).toBe(30);
    const [artists, albums] = plan.selections;
    // 10 entries before bucket 5, then 20 of the 40 in bucket 5: a quarter to artists, three quarters to albums.
    expect(artists?.limit).toBe(6 + 5);
    expect(albums?.limit).toBe(4 + 15);
    expect(artists?.expiresBefore).toEqual(new Date(now.getTime() + 6 * HOUR));
    expect(artists?.expectedRequests).toBe(22);
  });

  it('never selects beyond the lookahead for the floor alone', () => {
    const plan = planRefresh([pool('artists', { [LOOKAHEAD + 5]: 100 })], settings({ smoothing: false }));
    expect(plan.budget).toBe(0);
  });

  it('cut by the request cap: hot first, then warm, inside the lookahead', () => {
    const plan = planRefresh(
      [
        pool('artists', { 0: 10, 50: 30 }, { 0: 40 }, { requestsPerEntry: 2 }),
        pool('albums', { 1: 20 }, { 0: 40 }, { requestsPerEntry: 1 }),
      ],
      settings({ requestCap: 100 }),
    );
    expect(plan.capped).toBe(true);
    expect(plan.reason).toBe('capped');
    // Hot: artists 10 (20 requests), albums 20 (20), artists 30 more (60) = 100 requests: nothing left for warm.
    expect(plan.selections.map((selection) => selection.limit)).toEqual([40, 20]);
    expect(plan.selections.reduce((sum, selection) => sum + selection.expectedRequests, 0)).toBeLessThanOrEqual(100);
    expect(plan.selections[0]?.expiresBefore).toEqual(new Date(now.getTime() + LOOKAHEAD * HOUR));
    expect(plan.requiredRate).toBeGreaterThan(plan.budget);
  });

  it('is not capped when the budget fits', () => {
    const plan = planRefresh([pool('artists', { 0: 10 })], settings({ requestCap: 20 }));
    expect(plan.capped).toBe(false);
    expect(plan.budget).toBe(10);
  });

  it.each([
    [{ requestsPerEntry: 0 }, {}, /requestsPerEntry/],
    [{}, { lookaheadHours: -1 }, /lookahead/],
    [{}, { runIntervalHours: 0 }, /runInterval/],
  ])('rejects bad settings %#', (poolOverrides, settingOverrides, message) => {
    expect(() => planRefresh([pool('artists', {}, {}, poolOverrides)], settings(settingOverrides))).toThrow(message);
  });
});

describe('expiryBucket', () => {
  it.each([
    [-5, 0],
    [0, 0],
    [0.5, 0],
    [1, 1],
    [47.9, 47],
  ])('%s hours from now → bucket %s', (hours, bucket) => {
    expect(expiryBucket(new Date(now.getTime() + hours * HOUR), now)).toBe(bucket);
  });
});
