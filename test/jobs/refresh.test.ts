import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJobNow } from '../../src/jobs/start-job.ts';
import { type Harness, startHarness } from '../support/harness.ts';

interface Row {
  name_key: string;
  moods: string[];
  genres: string[];
  source: string;
  expires_at: Date;
  fetched_at: Date;
  raw_tags: Record<string, { outcome: string }>;
}

describe('cache-refresh', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness({
      sims: { seed: 61, artists: 16, specialNames: false },
      env: { HOURLY_REFRESH_LIMIT: '4' },
    });
    const warm = await runJobNow(harness.runtime, 'cache-warm', {});
    expect(warm.outcome === 'finished' && warm.run.status).toBe('succeeded');
  }, 90_000);
  afterAll(async () => {
    await harness.close();
  });

  async function rows(): Promise<Map<string, Row>> {
    const result = await harness.db.pool.query<Row>(
      'SELECT name_key, moods, genres, cache_source_text(source) AS source, expires_at, fetched_at, raw_tags FROM artist_cache',
    );
    return new Map(result.rows.map((row) => [row.name_key, row]));
  }

  it('re-fetches the hot entries that expire soonest and advances to others on the next run', async () => {
    // Every artist used yesterday (hot) and expiring within the lookahead, each a day apart.
    await harness.db.pool.query(`
      UPDATE artist_cache a SET last_used_at = now() - interval '1 day',
             expires_at = now() + (o.n * interval '6 hours')
        FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM artist_cache) o WHERE o.id = a.id`);
    const before = await rows();
    const soonest = [...before.values()]
      .sort((a, b) => a.expires_at.getTime() - b.expires_at.getTime())
      .map((row) => row.name_key);

    const first = await runJobNow(harness.runtime, 'cache-refresh', {});
    expect(first.outcome === 'finished' && first.run.status).toBe('succeeded');
    const afterFirst = await rows();
    const refreshedFirst = [...afterFirst.values()].filter(
      (row) => row.fetched_at > (before.get(row.name_key)?.fetched_at ?? new Date(0)),
    );
    // At least the floor, the soonest first, each now fresh for a full TTL again.
    expect(refreshedFirst.length).toBeGreaterThanOrEqual(4);
    expect(new Set(refreshedFirst.map((row) => row.name_key))).toEqual(
      new Set(soonest.slice(0, refreshedFirst.length)),
    );
    // A full TTL again (or the 30-day negative TTL for an artist nobody knows), not a few hours.
    for (const row of refreshedFirst) expect(row.expires_at.getTime()).toBeGreaterThan(Date.now() + 20 * 86_400_000);

    const second = await runJobNow(harness.runtime, 'cache-refresh', {});
    expect(second.outcome === 'finished' && second.run.status).toBe('succeeded');
    const afterSecond = await rows();
    const refreshedSecond = [...afterSecond.values()].filter(
      (row) => row.fetched_at > (afterFirst.get(row.name_key)?.fetched_at ?? new Date(0)),
    );
    expect(refreshedSecond.length).toBeGreaterThan(0);
    // The second run moved on: none of the first run's entries again.
    for (const row of refreshedSecond)
      expect(refreshedFirst.map((first) => first.name_key)).not.toContain(row.name_key);
  }, 90_000);

  it('keeps Plex moods and what Last.fm said before when Last.fm fails during a refresh', async () => {
    await harness.db.pool.query(`UPDATE artist_cache SET last_used_at = now(), expires_at = now() + interval '1 hour'`);
    const before = await rows();
    harness.sims.lastfm.faults.set({ errorRate: 1, errors: [{ kind: 'status', status: 503 }] });
    try {
      const run = await runJobNow(harness.runtime, 'cache-refresh', { limit: 100 });
      expect(run.outcome === 'finished' && run.run.status).toBe('succeeded');
    } finally {
      harness.sims.lastfm.faults.reset();
    }
    const after = await rows();
    let checked = 0;
    for (const [key, row] of after) {
      const previous = before.get(key);
      if (!previous?.source.includes('lastfm')) continue;
      checked++;
      expect(row.moods, key).toEqual(previous.moods);
      expect(row.genres, key).toEqual(previous.genres);
      expect(row.source, key).toBe(previous.source);
      expect(row.raw_tags.lastfm?.outcome, key).toBe('failed');
      // Partial: retried soon, not given a full TTL on the strength of an outage.
      expect(row.expires_at.getTime(), key).toBeLessThan(Date.now() + 2 * 86_400_000);
    }
    expect(checked).toBeGreaterThan(3);
  }, 90_000);
});
