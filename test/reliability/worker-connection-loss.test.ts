// graphile-worker loses its database connection while it writes a job's end (PostgreSQL ends the
// connection, as in a restart): the worker process goes on, graphile-worker is started again, the cut
// job is released and runs again, and a job queued after the outage runs too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Task } from 'graphile-worker';
import { silentLogger } from '../../src/logger.ts';
import { startWorker, type WorkerHandle } from '../../src/worker/runner.ts';
import { type Harness, startHarness } from '../support/harness.ts';
import { NO_SCHEDULES } from '../support/no-schedules.ts';
import { printFigures } from './support/figures.ts';

describe('a worker whose connection is cut while it completes a job', () => {
  let harness: Harness;
  let worker: WorkerHandle | undefined;
  const executions: string[] = [];

  beforeAll(async () => {
    harness = await startHarness({ sims: { seed: 93, artists: 2 }, env: NO_SCHEDULES });
  }, 60_000);
  afterAll(async () => {
    await worker?.stop();
    await harness?.close();
  });

  it('keeps running, runs the cut job again and runs a job queued after the outage', async () => {
    const startedAt = Date.now();
    const { pool } = harness.db;
    // The first completion of a job is cut off by PostgreSQL: the trigger ends the connection that
    // deletes the job (a sequence, because the killed transaction rolls back anything else).
    await pool.query(`
      CREATE SEQUENCE completion_cuts;
      CREATE FUNCTION cut_first_completion() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF nextval('completion_cuts') = 1 THEN
          PERFORM pg_terminate_backend(pg_backend_pid());
        END IF;
        RETURN OLD;
      END $$;
      CREATE TRIGGER cut_first_completion BEFORE DELETE ON graphile_worker._private_jobs
        FOR EACH ROW EXECUTE FUNCTION cut_first_completion();`);
    try {
      const record: Task = async (payload) => {
        executions.push((payload as { name: string }).name);
      };
      worker = await startWorker({
        config: harness.config,
        databaseUrl: harness.db.url,
        logger: silentLogger(),
        taskList: { 'reliability-record': record },
        onWorkerCreated: (workerId) => harness.runtime.registry.addGraphileWorker(workerId),
        onWorkerReplaced: (workerId) => harness.runtime.registry.releaseReplacedWorker(workerId),
      });
      await pool.query(`SELECT graphile_worker.add_job('reliability-record', '{"name":"before"}'::json)`);
      // The cut happened.
      await expect
        .poll(async () => (await pool.query('SELECT is_called FROM completion_cuts')).rows[0].is_called, {
          timeout: 30_000,
          interval: 50,
        })
        .toBe(true);
      await pool.query(`SELECT graphile_worker.add_job('reliability-record', '{"name":"after"}'::json)`);
      await expect.poll(() => executions.includes('after'), { timeout: 30_000, interval: 50 }).toBe(true);
      // The restart follows the lost completion; on a busy machine the job queued after may run first.
      const handle = worker;
      await expect.poll(() => handle.restarts(), { timeout: 30_000, interval: 50 }).toBeGreaterThanOrEqual(1);
      // The cut job's end was lost with the connection: it is released and runs again, and nothing is left.
      await expect
        .poll(async () => Number((await pool.query('SELECT count(*) FROM graphile_worker.jobs')).rows[0].count), {
          timeout: 30_000,
          interval: 100,
        })
        .toBe(0);
      expect(executions.filter((name) => name === 'before').length).toBeGreaterThanOrEqual(1);
      expect(worker.isRunning()).toBe(true);
      printFigures('worker connection loss', {
        executions: executions.join('/'),
        restarts: worker.restarts(),
        seconds: Math.round((Date.now() - startedAt) / 1000),
      });
    } finally {
      await pool.query(
        'DROP TRIGGER cut_first_completion ON graphile_worker._private_jobs; DROP FUNCTION cut_first_completion(); DROP SEQUENCE completion_cuts',
      );
    }
  }, 90_000);
});
