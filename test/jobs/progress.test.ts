// Rate and ETA of the progress model, on a fixture of a warm whose first half is already cached.
import { describe, expect, it } from 'vitest';
import { ProgressReporter, type ProgressSnapshot, RATE_WINDOW_MS } from '../../src/jobs/engine/progress.ts';

function reporterWithClock() {
  let now = Date.parse('2026-01-01T00:00:00Z');
  const published: ProgressSnapshot[] = [];
  const progress = new ProgressReporter({
    runId: 1,
    kind: 'cache-warm',
    clock: () => new Date(now),
    sink: { publish: (snapshot) => published.push(snapshot), persist: async () => undefined },
    publishIntervalMs: 0,
  });
  return { progress, published, advanceClock: (ms: number) => (now += ms) };
}

describe('progress rate and ETA', () => {
  it('count only entries that still need fetching, not the ones answered from the cache', async () => {
    const { progress, advanceClock } = reporterWithClock();
    progress.setTotal(2000);
    // 900 of the library are fresh in the cache; the first page holds 800 of them (answered at once),
    // and its other 200 are fetched at 1.25/s.
    progress.expectSkips(900);
    progress.skip(800, ['cached']);
    for (let i = 0; i < 200; i += 1) {
      advanceClock(800);
      progress.advance(1, ['lastfm']);
    }
    const snapshot = progress.snapshot();
    expect(snapshot.current).toBe(1000);
    expect(snapshot.rate).toBeCloseTo(1.25, 2);
    // 1,000 left, 100 of them cached: 900 to fetch at 1.25/s. Counting the cached entries as work
    // would have said 1000 done in 160 s, 6.25/s, and an ETA of 160 s.
    expect(snapshot.etaSeconds).toBe(720);
    expect(snapshot.sourceCounts).toEqual({ cached: 800, lastfm: 200 });
    await progress.dispose();
  });

  it('without an estimate from the job, expect the share of cached entries seen so far', async () => {
    const { progress, advanceClock } = reporterWithClock();
    progress.setTotal(1000);
    progress.skip(300, ['cached']);
    for (let i = 0; i < 100; i += 1) {
      advanceClock(1000);
      progress.advance(1, ['lastfm']);
    }
    // 600 left; a quarter of the 400 so far needed fetching: 150 at 1/s.
    expect(progress.snapshot().rate).toBeCloseTo(1, 2);
    expect(progress.snapshot().etaSeconds).toBe(150);
    await progress.dispose();
  });

  it('follow the last minute: a pause lowers the rate, and it recovers within a window after', async () => {
    const { progress, advanceClock } = reporterWithClock();
    progress.setTotal(1000);
    for (let i = 0; i < 120; i += 1) {
      advanceClock(500);
      progress.advance(1, ['lastfm']);
    }
    expect(progress.snapshot().rate).toBeCloseTo(2, 2);
    // A 429 with Retry-After: 30 s of nothing.
    advanceClock(30_000);
    const paused = progress.snapshot();
    expect(paused.rate).toBeCloseTo(1, 1);
    // A whole window of nothing: no rate, no ETA (rather than a made-up one).
    advanceClock(RATE_WINDOW_MS);
    expect(progress.snapshot().rate).toBe(0);
    expect(progress.snapshot().etaSeconds).toBeNull();
    // Back at 2/s: one window later the rate is 2/s again, not the average since the start.
    for (let i = 0; i < 130; i += 1) {
      advanceClock(500);
      progress.advance(1, ['lastfm']);
    }
    const recovered = progress.snapshot();
    expect(recovered.rate).toBeCloseTo(2, 1);
    expect(recovered.etaSeconds).toBe(Math.round((1000 - 250) / recovered.rate));
    await progress.dispose();
  });

  it('shows no rate for the first instant, and an ETA of 0 once nothing is left to fetch', async () => {
    const { progress, advanceClock } = reporterWithClock();
    progress.setTotal(10);
    advanceClock(100);
    progress.advance(1, ['lastfm']);
    expect(progress.snapshot().rate).toBe(0);
    expect(progress.snapshot().etaSeconds).toBeNull();
    progress.skip(9, ['cached']);
    expect(progress.snapshot().etaSeconds).toBe(0);
    await progress.dispose();
  });
});
