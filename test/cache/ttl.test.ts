import { describe, expect, it } from 'vitest';
import {
  entryExpiry,
  getJitteredTTL,
  jitteredDurationMs,
  trackStaticExpiry,
  trackStatsExpiry,
  type TtlSettings,
} from '../../src/cache/policy/ttl.ts';
import { Rng } from '../../src/simulators/random.ts';
import type { EntryStatus } from '../../src/types.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const now = new Date('2026-11-26T00:00:00.000Z');
const clock = () => now;
const settings: TtlSettings = { artistDays: 180, albumDays: 90, jitter: 0.1, negativeDays: 30, partialRetryHours: 6 };

describe('getJitteredTTL', () => {
  it('draws 10,000 expiries uniformly inside base × (1 ± jitter)', () => {
    const rng = new Rng(20261126);
    const days = Array.from(
      { length: 10_000 },
      () => (getJitteredTTL(180, 0.1, { random: () => rng.next(), now: clock }).getTime() - now.getTime()) / DAY,
    );
    const min = Math.min(...days);
    const max = Math.max(...days);
    expect(min).toBeGreaterThanOrEqual(162);
    expect(max).toBeLessThanOrEqual(198);
    // Spread: the draws reach both ends and fill the range evenly.
    expect(min).toBeLessThan(162.1);
    expect(max).toBeGreaterThan(197.9);
    const mean = days.reduce((sum, value) => sum + value, 0) / days.length;
    const sd = Math.sqrt(days.reduce((sum, value) => sum + (value - mean) ** 2, 0) / days.length);
    expect(mean).toBeCloseTo(180, 0);
    expect(sd).toBeGreaterThan((18 / Math.sqrt(3)) * 0.97); // uniform on ±18 days: sd = 18/√3 ≈ 10.39
    expect(sd).toBeLessThan((18 / Math.sqrt(3)) * 1.03);
    // Kolmogorov–Smirnov distance to the uniform distribution, well under the 1% critical value (0.0163).
    const sorted = [...days].sort((a, b) => a - b);
    let ks = 0;
    sorted.forEach((value, index) => {
      const expected = (value - 162) / 36;
      ks = Math.max(ks, Math.abs((index + 1) / sorted.length - expected), Math.abs(index / sorted.length - expected));
    });
    expect(ks).toBeLessThan(0.0163);
    // And no two-day window holds a cluster: every one of the 18 bins has 5.6% ± 1%.
    const bins = new Array<number>(18).fill(0);
    for (const value of days) {
      const bin = Math.min(17, Math.floor((value - 162) / 2));
      bins[bin] = (bins[bin] ?? 0) + 1;
    }
    for (const count of bins) expect(Math.abs(count / days.length - 1 / 18)).toBeLessThan(0.01);
  });

  it('reads the clock it is given, and is exact at the ends of the random range', () => {
    expect(getJitteredTTL(90, 0.1, { random: () => 0, now: clock }).getTime()).toBe(now.getTime() + 81 * DAY);
    expect(getJitteredTTL(90, 0.1, { random: () => 0.5, now: clock }).getTime()).toBe(now.getTime() + 90 * DAY);
    expect(getJitteredTTL(90, 0, { random: () => 0.99, now: clock }).getTime()).toBe(now.getTime() + 90 * DAY);
  });

  it.each([
    [() => jitteredDurationMs(DAY, 0.1, () => 1), /random/],
    [() => jitteredDurationMs(DAY, 0.1, () => -0.1), /random/],
    [() => jitteredDurationMs(DAY, 0.1, () => Number.NaN), /random/],
    [() => jitteredDurationMs(0, 0.1, () => 0.5), /positive/],
    [() => jitteredDurationMs(DAY, 1, () => 0.5), /jitter/],
    [() => jitteredDurationMs(DAY, -0.1, () => 0.5), /jitter/],
  ])('rejects bad input %#', (call, message) => {
    expect(call).toThrow(message);
  });
});

describe('expiry by status', () => {
  const mid = { random: () => 0.5, now: clock };
  it.each<[string, 'artist' | 'album', EntryStatus, number, number]>([
    ['ok artist: full TTL', 'artist', 'ok', 1, 180 * DAY],
    ['ok album: full TTL', 'album', 'ok', 1, 90 * DAY],
    ['empty: NEGATIVE_TTL_DAYS', 'artist', 'empty', 1, 30 * DAY],
    ['partial: a short retry', 'artist', 'partial', 1, 6 * HOUR],
    ['error: a short retry', 'album', 'error', 1, 6 * HOUR],
    ['third failure in a row: backed off', 'artist', 'error', 3, 24 * HOUR],
    ['many failures: backoff stops doubling', 'artist', 'error', 50, 6 * 32 * HOUR],
  ])('%s', (_label, kind, status, attempt, expected) => {
    expect(entryExpiry(kind, status, settings, mid, attempt).getTime() - now.getTime()).toBe(expected);
  });

  it('never keeps a negative or failed entry longer than a good one', () => {
    const short = { ...settings, albumDays: 3, negativeDays: 30, partialRetryHours: 720 };
    expect(entryExpiry('album', 'empty', short, mid).getTime() - now.getTime()).toBe(3 * DAY);
    expect(entryExpiry('album', 'partial', short, mid, 9).getTime() - now.getTime()).toBe(3 * DAY);
  });

  it('jitters the static track tier and not the stats tier', () => {
    const tracks = { trackStaticDays: 90, trackStatsHours: 24, jitter: 0.1 };
    expect(trackStaticExpiry(tracks, { random: () => 0, now: clock }).getTime() - now.getTime()).toBe(81 * DAY);
    expect(trackStatsExpiry(tracks, { now: clock }).getTime() - now.getTime()).toBe(24 * HOUR);
  });
});
