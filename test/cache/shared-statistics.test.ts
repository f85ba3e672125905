// The statistics shared by concurrent readers, against the real PostgreSQL: concurrent requests get one
// computation, a request after a committed write sees the write, and figures older than the allowed
// age are computed again. Row totals come from counters that follow inserts, deletes and truncation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRowTotals } from '../../src/cache/storage/statistics/count-row-totals.ts';
import {
  SharedCacheStatistics,
  STATISTICS_MAX_AGE_MS,
} from '../../src/cache/use-cases/statistics/shared-statistics.ts';
import { openTestDatabase } from '../support/database.ts';

const NOW = new Date('2026-11-26T12:00:00.000Z');
const config = { refresh: { lookaheadDays: 7, hotDays: 30, warmDays: 180, coldDays: 365, refreshCold: false } };

describe('shared cache statistics', () => {
  let db: Awaited<ReturnType<typeof openTestDatabase>>;
  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterAll(async () => {
    await db.close();
  });

  async function addArtist(name: string): Promise<void> {
    await db.pool.query(
      `INSERT INTO artist_cache (name_key, name, genres, source, status, expires_at) VALUES ($1, $1, '{rock}', '{lastfm}', 'ok', $2)`,
      [name, new Date(NOW.getTime() + 86_400_000)],
    );
  }

  it('give concurrent requests one computation, and a request after a write the new figures', async () => {
    const shared = new SharedCacheStatistics(db.pool, config);
    await addArtist('first');
    const concurrent = await Promise.all(Array.from({ length: 8 }, () => shared.get(NOW, 10)));
    for (const figures of concurrent) expect(figures).toBe(concurrent[0]);
    expect(concurrent[0]?.statistics.artists.total).toBe(1);
    // Nothing changed: the same figures again.
    expect(await shared.get(NOW, 10)).toBe(concurrent[0]);

    await addArtist('second');
    const after = await shared.get(NOW, 10);
    expect(after).not.toBe(concurrent[0]);
    expect(after.statistics.artists.total).toBe(2);
    expect(after.statistics.artists.topGenres).toEqual([{ genre: 'rock', count: 2 }]);
  });

  it('refresh figures older than the allowed age behind the ones served, and never serve them twice as old', async () => {
    const shared = new SharedCacheStatistics(db.pool, config);
    const at = (ms: number) => new Date(NOW.getTime() + ms);
    const first = await shared.get(NOW, 10);
    expect(await shared.get(at(STATISTICS_MAX_AGE_MS), 10)).toBe(first);
    // Older than the allowed age, nothing changed: the same figures now, a refresh behind them.
    expect(await shared.get(at(STATISTICS_MAX_AGE_MS + 1), 10)).toBe(first);
    let refreshed = await shared.get(at(STATISTICS_MAX_AGE_MS + 1), 10);
    for (let attempt = 0; refreshed === first && attempt < 100; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      refreshed = await shared.get(at(STATISTICS_MAX_AGE_MS + 1), 10);
    }
    expect(refreshed).not.toBe(first);
    expect(refreshed.statistics.at).toEqual(at(STATISTICS_MAX_AGE_MS + 1));
    // More than twice the allowed age: computed before answering.
    const late = await shared.get(at(4 * STATISTICS_MAX_AGE_MS), 10);
    expect(late.statistics.at).toEqual(at(4 * STATISTICS_MAX_AGE_MS));
  });

  it('count audio features and job runs without reading the tables', async () => {
    await db.pool.query(`INSERT INTO job_runs (kind, trigger) SELECT 'cache-warm', 'cli' FROM generate_series(1, 3)`);
    await db.pool.query(
      `INSERT INTO track_cache (rating_key, title, artist_name, album_title, artist_key, album_key, static_expires_at, stats_expires_at)
       SELECT k, k, 'A', 'B', 'a', 'b', now(), now() FROM unnest(ARRAY['a', 'b']) AS k`,
    );
    await db.pool.query(`INSERT INTO audio_features (track_rating_key) VALUES ('a'), ('b')`);
    expect(await countRowTotals(db.pool)).toEqual({ audioFeatures: 2, jobRuns: 3 });
    await db.pool.query(`DELETE FROM job_runs WHERE id = (SELECT min(id) FROM job_runs)`);
    await db.pool.query(`TRUNCATE audio_features`);
    expect(await countRowTotals(db.pool)).toEqual({ audioFeatures: 0, jobRuns: 2 });
  });
});
