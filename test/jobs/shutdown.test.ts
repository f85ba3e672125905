import { runSourceCounts } from '../../src/jobs/engine/runs/run-fields.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, type Config } from '../../src/config.ts';
import { getRun } from '../../src/jobs/engine/runs/get-run.ts';
import { startQueuedRun } from '../../src/jobs/engine/runs/start-run.ts';
import { silentLogger } from '../../src/logger.ts';
import { startService } from '../../src/service.ts';
import { startSimulators, type Simulators } from '../../src/simulators/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { NO_SCHEDULES } from '../support/no-schedules.ts';

/** Simulators with a slow Last.fm (so a warm is still running when the test stops it) and a fresh database. */
function slowWarmSetup(seed: number): { config: () => Config } {
  let sims: Simulators;
  let database: TestDatabase;
  let config: Config;
  beforeAll(async () => {
    sims = await startSimulators({ seed, artists: 30, specialNames: false });
    sims.lastfm.faults.set({ latencyMs: 300 });
    database = await createTestDatabase();
    config = parseConfig({ ...sims.env, DATABASE_URL: database.url, ...NO_SCHEDULES });
  }, 60_000);
  afterAll(async () => {
    await database.drop();
    await sims.close();
  });
  return { config: () => config };
}

describe('worker shutdown during a run', () => {
  const setup = slowWarmSetup(51);

  it('stops the run at a check point, keeps what was written, and a later worker resumes it', async () => {
    const first = await startService({ config: setup.config(), logger: silentLogger(), worker: true, api: false });
    const { run } = await startQueuedRun(first.db.prisma, {
      kind: 'cache-warm',
      trigger: 'api',
      options: { concurrency: 1 },
    });
    await expect.poll(async () => (await getRun(first.db.prisma, run.id))?.status, { timeout: 20_000 }).toBe('running');
    await expect
      .poll(async () => Number((await first.db.pool.query('SELECT count(*) FROM artist_cache')).rows[0].count), {
        timeout: 20_000,
      })
      .toBeGreaterThanOrEqual(3);

    const stopping = Date.now();
    await first.stop();
    expect(Date.now() - stopping).toBeLessThan(30_000);

    const second = await startService({ config: setup.config(), logger: silentLogger(), worker: true, api: false });
    try {
      const interrupted = await getRun(second.db.prisma, run.id);
      // Not a final status: the run goes back to the queue and keeps its history.
      expect(['queued', 'running']).toContain(interrupted?.status);
      const keptAtStop = Number((await second.db.pool.query('SELECT count(*) FROM artist_cache')).rows[0].count);
      expect(keptAtStop).toBeGreaterThanOrEqual(3);
      await expect
        .poll(async () => (await getRun(second.db.prisma, run.id))?.status, { timeout: 60_000, interval: 200 })
        .toBe('succeeded');
      const finished = await getRun(second.db.prisma, run.id);
      expect(finished?.attempt).toBe(2);
      // The stop wrote the resume point with the progress: the resumed attempt went on from there, with
      // those counts, instead of listing the stored artists again and counting them as cached.
      expect(finished && (runSourceCounts(finished).cached ?? 0)).toBe(0);
      expect(finished?.progressCurrent).toBe(finished?.progressTotal);
    } finally {
      await second.stop();
    }
  }, 120_000);
});

describe('a scheduled run interrupted by a shutdown', () => {
  const setup = slowWarmSetup(52);

  it('is resumed by the retry of its own job instead of being skipped as already active', async () => {
    const first = await startService({ config: setup.config(), logger: silentLogger(), worker: true, api: false });
    // What graphile-worker's crontab adds at the scheduled time.
    await first.db.pool.query(`SELECT graphile_worker.add_job('cache-warm', '{"trigger":"schedule"}'::json)`);
    await expect
      .poll(async () => Number((await first.db.pool.query('SELECT count(*) FROM artist_cache')).rows[0].count), {
        timeout: 30_000,
      })
      .toBeGreaterThanOrEqual(3);
    await first.stop();

    const second = await startService({ config: setup.config(), logger: silentLogger(), worker: true, api: false });
    try {
      await expect
        .poll(
          async () =>
            (await second.db.pool.query(`SELECT kind, trigger, status, attempt FROM job_runs ORDER BY id`)).rows,
          {
            timeout: 60_000,
            interval: 200,
          },
        )
        .toEqual([
          { kind: 'cache-warm', trigger: 'schedule', status: 'succeeded', attempt: 2 },
          { kind: 'cache-warm-albums', trigger: 'schedule', status: expect.any(String), attempt: expect.any(Number) },
        ]);
    } finally {
      await second.stop();
    }
  }, 120_000);
});
