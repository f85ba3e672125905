import { runSourceCounts } from '../../src/jobs/engine/runs/run-fields.ts';
import { runResumePoint } from '../../src/jobs/engine/resume-point.ts';
import { normaliseNameKey } from '../../src/enrichment/text-keys.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, type Config } from '../../src/config.ts';
import { getRun } from '../../src/jobs/engine/runs/get-run.ts';
import { startImmediateRun, startQueuedRun } from '../../src/jobs/engine/runs/start-run.ts';
import { silentLogger } from '../../src/logger.ts';
import { startService } from '../../src/service.ts';
import { startSimulators, type Simulators } from '../../src/simulators/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { NO_SCHEDULES } from '../support/no-schedules.ts';
import { type Harness, startHarness } from '../support/harness.ts';
import { executeRun } from '../../src/jobs/engine/execute-run.ts';
import { jobDefinition } from '../../src/jobs/bodies/registry.ts';
import { claimRun } from '../../src/jobs/engine/runs/claim-run.ts';
import type { JobRunRecord } from '../../src/jobs/engine/runs/run-fields.ts';

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

const FAST_ARTISTS = 40;

describe('an artist whose entry is still being written when the stop lands', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({
      sims: { seed: 53, artists: FAST_ARTISTS, specialNames: false },
      // Fast providers (the simulators' limits raised to match): an artist at work waits on an answer, not a limiter.
      env: { ...NO_SCHEDULES, LASTFM_RPS: '40', SPOTIFY_RPS: '40', MUSICBRAINZ_RPS: '40' },
    });
    for (const sim of providerSimulators(harness)) sim.setQuirks({ rateLimit: { limit: 200, windowMs: 1_000 } });
    harness.sims.lastfm.faults.set({ latencyMs: 100 });
  }, 60_000);
  afterAll(async () => {
    await harness?.close();
  });

  const execute = (run: JobRunRecord, shutdownSignal?: AbortSignal) =>
    executeRun({
      run,
      job: jobDefinition('cache-warm'),
      options: jobDefinition('cache-warm').parseOptions({ concurrency: 2 }, harness.config),
      deps: harness.runtime.deps,
      cancellation: harness.runtime.cancellation,
      shutdownSignal,
    });

  it('is counted with the resume point the stop writes, and the next attempt counts nothing as cached', async () => {
    const { prisma, pool } = harness.db;
    const plex = harness.runtime.deps.providers.require('plex');
    const section = await plex.musicSection();
    const page = await plex.artistPages(section.key, { start: 0 }).next();
    const firstKey = normaliseNameKey((page.done ? undefined : page.value.items[0])?.name ?? '') ?? '';
    expect(firstKey).not.toBe('');

    // An open transaction holds the first listed artist's key: the warm's write of it waits on the
    // lock once all its providers have answered, while the artists after it go on.
    const blocker = await pool.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query(`INSERT INTO artist_cache (name_key, name, expires_at) VALUES ($1, $1, now())`, [firstKey]);
      const { run } = await startImmediateRun(prisma, {
        kind: 'cache-warm',
        trigger: 'cli',
        options: { concurrency: 2 },
        ownerProcessId: harness.runtime.deps.processId,
      });
      const shutdown = new AbortController();
      const first = execute(run, shutdown.signal);
      const waitingWrites = async () =>
        Number(
          (
            await pool.query(
              `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
                  AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO artist_cache%'`,
            )
          ).rows[0].count,
        );
      await expect.poll(waitingWrites, { timeout: 20_000, interval: 20 }).toBe(1);
      // The artists after it are written meanwhile: no writer waits on another's counters.
      const committed = async () => Number((await pool.query('SELECT count(*) FROM artist_cache')).rows[0].count);
      await expect.poll(committed, { timeout: 20_000, interval: 20 }).toBeGreaterThanOrEqual(3);
      expect(await waitingWrites()).toBe(1);
      // From here every provider takes a minute to answer: the stop lands on other artists waiting for one.
      for (const sim of providerSimulators(harness)) sim.faults.set({ latencyMs: 60_000 });
      shutdown.abort();

      // The run is not requeued while the write is held: its counters and resume point wait for it. (A
      // run requeued at once shows it here within milliseconds; the window only gives it the chance.)
      const status = async () => (await getRun(prisma, run.id))?.status;
      await expect
        .poll(status, { timeout: 2_000, interval: 50 })
        .not.toBe('running')
        .catch(() => undefined);
      expect(await status()).toBe('running');
      await blocker.query('ROLLBACK');
      const outcome = await first;
      expect(outcome.outcome).toBe('requeued');

      // Every stored artist is counted, the one written after the stop included, and its position is done.
      const stored = await committed();
      const interrupted = await getRun(prisma, run.id);
      expect(interrupted?.status).toBe('queued');
      expect(stored).toBeGreaterThanOrEqual(1);
      expect(interrupted?.progressCurrent).toBe(stored);
      expect(interrupted && runResumePoint(interrupted)?.offset).toBeGreaterThanOrEqual(1);

      for (const sim of providerSimulators(harness)) sim.faults.set({ latencyMs: 0 });
      const claimed = await claimRun(prisma, run.id, null, harness.runtime.deps.processId);
      expect(claimed?.attempt).toBe(2);
      const second = claimed && (await execute(claimed));
      const finished = second?.outcome === 'finished' ? second.run : undefined;
      expect(finished?.status).toBe('succeeded');
      expect(finished && (runSourceCounts(finished).cached ?? 0)).toBe(0);
      expect(finished?.progressCurrent).toBe(FAST_ARTISTS);
    } finally {
      await blocker.query('ROLLBACK').catch(() => undefined);
      blocker.release();
    }
  }, 120_000);
});

function providerSimulators(harness: Harness) {
  return [harness.sims.lastfm, harness.sims.spotify, harness.sims.musicbrainz];
}
