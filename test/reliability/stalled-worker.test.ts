// A worker that stops beating without dying: its process is frozen (SIGSTOP, as a machine swapping
// or overloaded freezes it) for three times WORKER_STALE_SECONDS in the middle of a warm, while a
// second worker waits for work. A frozen process still holds its database session, so it is not
// taken for dead: the second worker does not take its run over, and the warm goes on when the
// process thaws, at its first attempt, each artist stored once.
import { setTimeout } from 'node:timers/promises';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getRun } from '../../src/jobs/engine/runs/get-run.ts';
import { startQueuedRun } from '../../src/jobs/engine/runs/start-run.ts';
import { type Harness, startHarness } from '../support/harness.ts';
import type { RunningCli } from '../support/cli.ts';
import { printFigures } from './support/figures.ts';
import { type WorkerFleet, workerFleet } from './support/workers.ts';

const ARTISTS = 40;
const STALE_SECONDS = 2;

async function count(pool: pg.Pool, sql: string, values: unknown[] = []): Promise<number> {
  return Number((await pool.query(sql, values)).rows[0].count);
}

/** Whether the worker process with this pid is registered with a graphile-worker pool. */
function registered(pool: pg.Pool, worker: RunningCli): Promise<number> {
  return count(
    pool,
    `SELECT count(*) FROM worker_processes WHERE pid = $1 AND cardinality(coalesce(graphile_worker_ids, '{}')) > 0`,
    [worker.child.pid],
  );
}

describe('a worker frozen for longer than the stale period', () => {
  let harness: Harness;
  let fleet: WorkerFleet;

  beforeAll(async () => {
    harness = await startHarness({
      sims: { seed: 1407, artists: ARTISTS, specialNames: false },
      env: { WORKER_STALE_SECONDS: String(STALE_SECONDS), CACHE_WARM_CONCURRENCY: '1' },
    });
    // Slow enough that the warm is still going when the process thaws.
    harness.sims.lastfm.faults.set({ latencyMs: 120 });
    fleet = await workerFleet(harness.env);
  }, 60_000);

  afterAll(async () => {
    await fleet?.close();
    await harness?.close();
  });

  it('keeps its run: no other worker takes it over, and it finishes at its first attempt', async () => {
    const { pool, prisma } = harness.db;
    const frozen = fleet.start();
    await expect.poll(() => registered(pool, frozen), { timeout: 30_000, interval: 50 }).toBe(1);
    const { run } = await startQueuedRun(prisma, { kind: 'cache-warm', trigger: 'api', options: {} });
    await expect
      .poll(async () => (await count(pool, 'SELECT count(*) FROM artist_cache')) >= 3, {
        timeout: 30_000,
        interval: 20,
      })
      .toBe(true);
    const standby = fleet.start();
    await expect.poll(() => registered(pool, standby), { timeout: 30_000, interval: 50 }).toBe(1);

    frozen.child.kill('SIGSTOP');
    const storedAtFreeze = await count(pool, 'SELECT count(*) FROM artist_cache');
    // The freeze itself is the scenario: three stale periods, in which the sweeps of this process and
    // of the standby worker (every sixth of one) would each have taken the frozen process for dead.
    await setTimeout(3 * STALE_SECONDS * 1000);
    const duringFreeze = await getRun(prisma, run.id);
    const storedDuringFreeze = await count(pool, 'SELECT count(*) FROM artist_cache');
    frozen.child.kill('SIGCONT');

    await expect
      .poll(async () => (await getRun(prisma, run.id))?.status, { timeout: 60_000, interval: 100 })
      .toBe('succeeded');
    const finished = await getRun(prisma, run.id);
    // Nobody wrote while the owner was frozen, the standby took nothing, the run never restarted.
    expect(duringFreeze?.status).toBe('running');
    expect(storedDuringFreeze).toBe(storedAtFreeze);
    expect(finished?.attempt).toBe(1);
    expect(
      await count(pool, 'SELECT count(*) FROM artist_cache WHERE updated_at <> created_at'),
      'entries written twice',
    ).toBe(0);
    expect(await count(pool, 'SELECT count(*) FROM artist_cache')).toBe(ARTISTS);
    expect(fleet.outputs().join('\n')).not.toContain('released the runs of processes that stopped beating');
    printFigures('stalled worker', {
      artists: ARTISTS,
      frozenSeconds: 3 * STALE_SECONDS,
      storedAtFreeze,
      attempt: finished?.attempt ?? -1,
    });
  }, 120_000);
});
