import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActiveGenreRules } from '../../src/cache/use-cases/active-genre-rules.ts';
import { EntryRefresher } from '../../src/cache/use-cases/entry-refresher.ts';
import { parseConfig } from '../../src/config.ts';
import { NotificationListener } from '../../src/db/notification-listener.ts';
import { prismaOf } from '../../src/db/prisma.ts';
import { CancellationWatcher } from '../../src/jobs/engine/cancellation-watcher.ts';
import type { JobDependencies } from '../../src/jobs/engine/job-definition.ts';
import { executeRun } from '../../src/jobs/engine/execute-run.ts';
import { RUN_EVENTS_CHANNEL, type RunEvent } from '../../src/jobs/engine/run-events.ts';
import { cancelRun } from '../../src/jobs/engine/runs/cancel-run.ts';
import { finishRunWith } from '../../src/jobs/engine/runs/finish-run.ts';
import { getRun } from '../../src/jobs/engine/runs/get-run.ts';
import { startImmediateRun, startQueuedRun } from '../../src/jobs/engine/runs/start-run.ts';
import { silentLogger } from '../../src/logger.ts';
import { createProviders } from '../../src/providers/create-providers.ts';
import { systemClock } from '../../src/types.ts';
import { openTestDatabase } from '../support/database.ts';
import { countingJob, StepGate } from '../support/test-job.ts';

describe('job runs', () => {
  let db: Awaited<ReturnType<typeof openTestDatabase>>;
  let listener: NotificationListener;
  let cancellation: CancellationWatcher;
  let deps: JobDependencies;

  beforeAll(async () => {
    db = await openTestDatabase();
    const config = parseConfig({ DATABASE_URL: db.url });
    listener = new NotificationListener(db.url, silentLogger());
    cancellation = new CancellationWatcher(db.prisma, listener, silentLogger(), 200);
    await cancellation.start();
    const providers = createProviders(config.providers, { logger: silentLogger() });
    const genreRules = await ActiveGenreRules.start({ prisma: db.prisma, config, logger: silentLogger(), listener });
    const refresher = new EntryRefresher({ db: db.pool, providers, config, clock: systemClock, genreRules });
    deps = {
      config,
      prisma: db.prisma,
      pool: db.pool,
      logger: silentLogger(),
      clock: systemClock,
      providers,
      refresher,
      genreRules,
      processId: 'test-process',
    };
  });
  afterAll(async () => {
    cancellation.stop();
    await listener.close();
    await db.close();
  });

  it('makes one run and one queued job out of fifty simultaneous starts of a kind', async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        startQueuedRun(db.prisma, { kind: 'cache-warm', trigger: 'api', options: { concurrency: 2 } }),
      ),
    );
    const ids = new Set(results.map((result) => result.run.id));
    expect(ids.size).toBe(1);
    expect(results.filter((result) => result.created)).toHaveLength(1);
    const runs = await db.pool.query(`SELECT status, trigger FROM job_runs WHERE kind = 'cache-warm'`);
    expect(runs.rows).toEqual([{ status: 'queued', trigger: 'api' }]);
    const jobs = await db.pool.query(
      `SELECT t.identifier, j.payload FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id`,
    );
    expect(jobs.rows).toEqual([{ identifier: 'cache-warm', payload: { runId: [...ids][0] } }]);
  });

  it('cancels a queued run at once and removes its job', async () => {
    const { run } = await startQueuedRun(db.prisma, { kind: 'cache-warm-albums', trigger: 'api', options: {} });
    const result = await cancelRun(db, run.id);
    expect(result.outcome).toBe('cancelled');
    expect((await getRun(db.prisma, run.id))?.status).toBe('cancelled');
    const jobs = await db.pool.query(`SELECT 1 FROM graphile_worker.jobs WHERE task_identifier = 'cache-warm-albums'`);
    expect(jobs.rowCount).toBe(0);
    expect((await cancelRun(db, run.id)).outcome).toBe('already-finished');
    expect((await cancelRun(db, 999_999)).outcome).toBe('not-found');
  });

  it('never overwrites a final status', async () => {
    const { run } = await startImmediateRun(db.prisma, {
      kind: 'track-stats-refresh',
      trigger: 'cli',
      options: {},
      ownerProcessId: 'test-process',
    });
    expect((await finishRunWith(db.prisma, run.id, { status: 'failed', error: 'Plex unreachable' }))?.status).toBe(
      'failed',
    );
    expect(await finishRunWith(db.prisma, run.id, { status: 'succeeded' })).toBeUndefined();
    expect(await getRun(db.prisma, run.id)).toMatchObject({ status: 'failed', error: 'Plex unreachable' });
  });

  it('runs a job with live progress events ending in its final status', async () => {
    const events: RunEvent[] = [];
    const unsubscribe = await listener.subscribe(RUN_EVENTS_CHANNEL, (payload) =>
      events.push(JSON.parse(payload) as RunEvent),
    );
    const { run } = await startImmediateRun(db.prisma, {
      kind: 'cache-refresh',
      trigger: 'cli',
      options: { items: 5 },
      ownerProcessId: 'test-process',
    });
    const gate = new StepGate();
    gate.release();
    const outcome = await executeRun({ run, job: countingJob(gate), options: { items: 5 }, deps, cancellation });
    expect(outcome).toMatchObject({
      outcome: 'finished',
      run: { status: 'succeeded', progressCurrent: 5, progressTotal: 5, message: 'counted 5' },
    });
    expect(outcome.outcome === 'finished' && outcome.run.sourceCounts).toEqual({ plex: 5 });
    await expect.poll(() => events.filter((event) => event.runId === run.id && event.final).length).toBe(1);
    const mine = events.filter((event) => event.runId === run.id);
    expect(mine.at(-1)).toMatchObject({ status: 'succeeded', final: true, current: 5 });
    unsubscribe();
  });

  it('stops a running job at its next check point when another process cancels it', async () => {
    const { run } = await startImmediateRun(db.prisma, {
      kind: 'cache-refresh',
      trigger: 'cli',
      options: { items: 100 },
      ownerProcessId: 'test-process',
    });
    const gate = new StepGate();
    const execution = executeRun({ run, job: countingJob(gate), options: { items: 100 }, deps, cancellation });
    await gate.arrived();
    gate.step();
    await gate.arrived();
    // A second pool stands in for another process (the API, or `linernotes cancel`).
    const other = new (await import('pg')).default.Pool({ connectionString: db.url, max: 1 });
    const otherPrisma = prismaOf(other);
    const requested = await cancelRun({ prisma: otherPrisma, pool: other }, run.id);
    await otherPrisma.$disconnect();
    await other.end();
    expect(requested.outcome).toBe('cancel-requested');
    const cancelledAt = Date.now();
    await expect.poll(() => gate.signal?.aborted, { timeout: 1_000, interval: 10 }).toBe(true);
    expect(Date.now() - cancelledAt).toBeLessThan(1_000);
    gate.release();
    const outcome = await execution;
    expect(outcome).toMatchObject({ outcome: 'finished', run: { status: 'cancelled' } });
    const stored = await getRun(db.prisma, run.id);
    expect(stored?.status).toBe('cancelled');
    expect(stored?.progressCurrent).toBeLessThan(100);
  });

  it('dates a run that waited for another session from after the wait, not from its transaction start', async () => {
    const locker = new pg.Client({ connectionString: db.url });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE job_runs IN ACCESS EXCLUSIVE MODE');
      const starting = startQueuedRun(db.prisma, { kind: 'audio-features-sync', trigger: 'api', options: {} });
      // The start has begun and waits on the lock (seen from another session: within a transaction
      // pg_stat_activity is a snapshot). Its call of job_run_queue is the waiting query.
      await expect
        .poll(
          async () =>
            (
              await db.pool.query<{ count: number }>(
                `SELECT count(*)::int AS count FROM pg_stat_activity
                  WHERE wait_event_type = 'Lock' AND query ILIKE '%job_run_queue%'`,
              )
            ).rows[0]?.count,
          { timeout: 20_000, interval: 50 },
        )
        .toBeGreaterThanOrEqual(1);
      const released = new Date();
      await locker.query('COMMIT');
      const { run, created } = await starting;
      expect(created).toBe(true);
      expect(run.createdAt.getTime()).toBeGreaterThanOrEqual(released.getTime());
    } finally {
      await locker.end();
    }
  });
});
