// Runs whose attempt is cut short never stay active with nothing left to finish them: a database
// outage on a job's last attempt, even one that comes back while the run's end is being written,
// ends the run as failed; and the dead-worker sweep fails a run whose job used up its attempts on
// real failures or is gone, while one interrupted by a crash, a shutdown or an outage gets its
// attempt back. Outages are real: the job's own connection (or the one writing its end, from a
// trigger) is terminated by PostgreSQL.
import { EventEmitter } from 'node:events';
import { Logger, run as runGraphileWorker, type WorkerEvents } from 'graphile-worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTERRUPTED_BY_DATABASE, INTERRUPTED_BY_SHUTDOWN } from '../../src/jobs/engine/checkpoint.ts';
import type { JobDefinition } from '../../src/jobs/engine/job-definition.ts';
import { createRunTask } from '../../src/jobs/engine/run-task.ts';
import { claimRun } from '../../src/jobs/engine/runs/claim-run.ts';
import { getRun } from '../../src/jobs/engine/runs/get-run.ts';
import { sweepDeadProcesses } from '../../src/jobs/engine/runs/release-jobs.ts';
import { startQueuedRun } from '../../src/jobs/engine/runs/start-run.ts';
import { silentLogger } from '../../src/logger.ts';
import type { JobKind } from '../../src/types.ts';
import { startWorker, type WorkerHandle } from '../../src/worker/runner.ts';
import { type Harness, startHarness } from '../support/harness.ts';
import { NO_SCHEDULES } from '../support/no-schedules.ts';

/** A job whose first `outages` executions lose their database connection for real, then succeed. */
function jobLosingTheDatabase(outages: number): JobDefinition<Record<string, never>> & { executions: number } {
  const job = {
    executions: 0,
    kind: 'cache-refresh' as const,
    description: 'loses its database connection (test only)',
    requires: [],
    parseOptions: () => ({}),
    run: async ({ deps, progress }: Parameters<JobDefinition<Record<string, never>>['run']>[0]) => {
      job.executions += 1;
      progress.setTotal(1);
      // PostgreSQL ends this connection (57P01), as it does when the server shuts down.
      if (job.executions <= outages) await deps.pool.query('SELECT pg_terminate_backend(pg_backend_pid())');
      progress.advance(1, ['plex']);
      return { message: 'done' };
    },
  };
  return job;
}

describe('a database outage during a run', () => {
  let harness: Harness;
  let worker: WorkerHandle | undefined;
  let job: ReturnType<typeof jobLosingTheDatabase>;

  beforeAll(async () => {
    harness = await startHarness({ sims: { seed: 91, artists: 2 }, env: NO_SCHEDULES });
  }, 60_000);
  afterAll(async () => {
    await worker?.stop();
    await harness?.close();
  });

  async function withWorker(outages: number): Promise<void> {
    await worker?.stop();
    job = jobLosingTheDatabase(outages);
    worker = await startWorker({
      config: harness.config,
      databaseUrl: harness.db.url,
      logger: silentLogger(),
      taskList: {
        'cache-refresh': createRunTask(job, {
          deps: harness.runtime.deps,
          cancellation: harness.runtime.cancellation,
        }),
      },
      onWorkerCreated: (workerId) => harness.runtime.registry.addGraphileWorker(workerId),
      onWorkerReplaced: (workerId) => harness.runtime.registry.releaseReplacedWorker(workerId),
    });
  }

  const waitForEnd = async (runId: number) => {
    await expect
      .poll(async () => (await getRun(harness.db.prisma, runId))?.status, { timeout: 30_000, interval: 100 })
      .toMatch(/succeeded|failed|cancelled/);
    return await getRun(harness.db.prisma, runId);
  };

  it('on an attempt that is not the last, the run goes back to the queue and the retry finishes it', async () => {
    await withWorker(1);
    const { run } = await startQueuedRun(harness.db.prisma, {
      kind: 'cache-refresh',
      trigger: 'api',
      options: {},
      maxAttempts: 2,
    });
    // graphile-worker retries a failed attempt after about e¹ seconds.
    const finished = await waitForEnd(run.id);
    expect(finished).toMatchObject({ status: 'succeeded', attempt: 2, error: null });
    expect(job.executions).toBe(2);
  }, 60_000);

  it('on the last attempt, the run ends as failed instead of waiting in the queue for ever', async () => {
    await withWorker(1);
    const { run } = await startQueuedRun(harness.db.prisma, {
      kind: 'cache-refresh',
      trigger: 'api',
      options: {},
      maxAttempts: 1,
    });
    const finished = await waitForEnd(run.id);
    expect(finished).toMatchObject({
      status: 'failed',
      error: 'gave up after 1 attempts: the database was unavailable',
    });
    expect(job.executions).toBe(1);
    // The kind is free again.
    const next = await startQueuedRun(harness.db.prisma, { kind: 'cache-refresh', trigger: 'api', options: {} });
    expect(next.created).toBe(true);
    await waitForEnd(next.run.id);
  }, 60_000);

  it('on the last attempt, a second outage while the run ends is waited out and the end is written', async () => {
    await withWorker(1);
    // The first write of a failed run is cut off by PostgreSQL (a sequence, because a transaction
    // killed with its connection would roll back any other record that the trigger fired).
    await harness.db.pool.query(`
      CREATE SEQUENCE end_outages;
      CREATE FUNCTION cut_first_failed_end() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.status = 'failed' AND nextval('end_outages') = 1 THEN
          PERFORM pg_terminate_backend(pg_backend_pid());
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER cut_first_failed_end BEFORE UPDATE ON job_runs FOR EACH ROW EXECUTE FUNCTION cut_first_failed_end();`);
    try {
      const { run } = await startQueuedRun(harness.db.prisma, {
        kind: 'cache-refresh',
        trigger: 'api',
        options: {},
        maxAttempts: 1,
      });
      const finished = await waitForEnd(run.id);
      expect(finished).toMatchObject({
        status: 'failed',
        error: 'gave up after 1 attempts: the database was unavailable',
      });
      const { rows } = await harness.db.pool.query<{ cuts: number }>('SELECT last_value::int AS cuts FROM end_outages');
      expect(rows[0]?.cuts).toBe(2);
    } finally {
      await harness.db.pool.query(
        'DROP TRIGGER cut_first_failed_end ON job_runs; DROP FUNCTION cut_first_failed_end(); DROP SEQUENCE end_outages',
      );
    }
  }, 60_000);
});

interface JobState {
  attempts: number;
  max_attempts: number;
  locked_by: string | null;
  last_error: string | null;
  future: boolean;
}

describe('the sweep of a dead process', () => {
  let harness: Harness;
  let deadProcesses = 0;

  beforeAll(async () => {
    harness = await startHarness({ sims: { seed: 92, artists: 2 }, env: NO_SCHEDULES });
  }, 60_000);
  afterAll(async () => {
    await harness?.close();
  });

  /** A run claimed by a process that is now dead (it never beats again), with its job as `prepare` leaves it. */
  async function runOfDeadProcess(
    kind: JobKind,
    maxAttempts: number,
    prepare: (jobId: string) => Promise<string[]>,
  ): Promise<{ runId: number; jobId: string }> {
    deadProcesses += 1;
    const processId = `dead-process-${deadProcesses}`;
    const { run } = await startQueuedRun(harness.db.prisma, { kind, trigger: 'api', options: {}, maxAttempts });
    const jobId = run.workerJobId ?? '';
    await claimRun(harness.db.prisma, run.id, jobId, processId);
    const poolIds = await prepare(jobId);
    // Registered last, already silent: any sweep from here on (this test's, or the harness process's
    // own) finds it with its run and job as prepared.
    await harness.db.pool.query(
      `INSERT INTO worker_processes (id, hostname, pid, started_at, heartbeat_at, graphile_worker_ids)
       VALUES ($1, 'gone', 1, now() - interval '2 hours', now() - interval '1 hour', $2)`,
      [processId, poolIds],
    );
    await sweepDeadProcesses(harness.db, 30_000);
    return { runId: run.id, jobId };
  }

  const jobState = async (jobId: string): Promise<JobState | undefined> =>
    (
      await harness.db.pool.query<JobState>(
        `SELECT attempts, max_attempts, locked_by, last_error, run_at > now() + interval '1 minute' AS future
           FROM graphile_worker.jobs WHERE id = $1`,
        [jobId],
      )
    ).rows[0];

  it('fails a run whose job used up its attempts on real failures', async () => {
    const { runId, jobId } = await runOfDeadProcess('cache-refresh', 3, async (id) => {
      await harness.db.pool.query(
        `SELECT graphile_worker.permanently_fail_jobs(ARRAY[$1::bigint], 'Plex answered 500')`,
        [id],
      );
      return [];
    });
    expect(await getRun(harness.db.prisma, runId)).toMatchObject({
      status: 'failed',
      error: 'gave up after 3 attempts: Plex answered 500',
    });
    // Not given an attempt it did not lose to the crash.
    expect(await jobState(jobId)).toMatchObject({ attempts: 3, max_attempts: 3 });
  });

  it('fails a run whose job is gone', async () => {
    const { runId } = await runOfDeadProcess('track-stats-refresh', 5, async () => {
      await harness.db.pool.query(`SELECT graphile_worker.remove_job('run:track-stats-refresh')`);
      return [];
    });
    expect(await getRun(harness.db.prisma, runId)).toMatchObject({
      status: 'failed',
      error: 'its graphile-worker job is gone and the process running it stopped; start the job again',
    });
  });

  it('leaves a run whose job failed for real but has attempts left to graphile-worker’s retry, as it is', async () => {
    const { runId, jobId } = await runOfDeadProcess('audio-features-sync', 3, async (id) => {
      await harness.db.pool.query(
        `SELECT graphile_worker.permanently_fail_jobs(ARRAY[$1::bigint], 'Plex answered 500')`,
        [id],
      );
      await harness.db.pool.query(
        `SELECT graphile_worker.reschedule_jobs(ARRAY[$1::bigint], attempts => 1, run_at => now() + interval '1 hour')`,
        [id],
      );
      return [];
    });
    expect((await getRun(harness.db.prisma, runId))?.status).toBe('running');
    expect(await jobState(jobId)).toMatchObject({ attempts: 1, max_attempts: 3, future: true });
  });

  it.each([INTERRUPTED_BY_SHUTDOWN, INTERRUPTED_BY_DATABASE])(
    'gives back the last attempt of a job ended by "%s"',
    async (marker) => {
      const kind = marker === INTERRUPTED_BY_SHUTDOWN ? 'cache-warm-albums' : 'track-static-refresh';
      const { runId, jobId } = await runOfDeadProcess(kind, 2, async (id) => {
        await harness.db.pool.query(`SELECT graphile_worker.permanently_fail_jobs(ARRAY[$1::bigint], $2)`, [
          id,
          marker,
        ]);
        return [];
      });
      expect((await getRun(harness.db.prisma, runId))?.status).toBe('running');
      expect(await jobState(jobId)).toMatchObject({ attempts: 2, max_attempts: 3, locked_by: null, future: false });
    },
  );

  it('unlocks a job its dead pool held and gives back the attempt the crash cost', async () => {
    // A real graphile-worker pool locks the job; the test then declares that pool's process dead.
    let releaseTask: () => void = () => undefined;
    const taskHeld = new Promise<void>((resolve) => {
      releaseTask = resolve;
    });
    const events: WorkerEvents = new EventEmitter();
    const poolIds: string[] = [];
    events.on('pool:create', ({ workerPool }) => poolIds.push(workerPool.id));
    const runner = await runGraphileWorker({
      connectionString: harness.db.url,
      concurrency: 1,
      noHandleSignals: true,
      events,
      logger: new Logger(() => () => undefined),
      taskList: { 'cache-warm': () => taskHeld },
    });
    try {
      const { runId, jobId } = await runOfDeadProcess('cache-warm', 1, async (id) => {
        await expect
          .poll(async () => (await jobState(id))?.locked_by, { timeout: 20_000, interval: 50 })
          .toBe(poolIds[0]);
        return poolIds;
      });
      expect((await getRun(harness.db.prisma, runId))?.status).toBe('running');
      expect(await jobState(jobId)).toMatchObject({ attempts: 1, max_attempts: 2, locked_by: null });
    } finally {
      releaseTask();
      await runner.stop();
    }
  }, 60_000);
});
