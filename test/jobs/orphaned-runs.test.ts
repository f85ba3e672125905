// Runs whose process disappears must not block their kind for ever.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJobNow } from '../../src/jobs/start-job.ts';
import { startCli } from '../support/cli.ts';
import { type Harness, startHarness } from '../support/harness.ts';

describe('a CLI run whose process is killed', () => {
  let harness: Harness;
  let workDir: string;

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(os.tmpdir(), 'linernotes-orphans-'));
    await chmod(workDir, 0o755);
    // This process's registry sweeps processes silent for 2 s.
    harness = await startHarness({
      sims: { seed: 71, artists: 30, specialNames: false },
      env: { WORKER_STALE_SECONDS: '2' },
    });
    harness.sims.lastfm.faults.set({ latencyMs: 200 });
  }, 60_000);
  afterAll(async () => {
    await harness.close();
    await rm(workDir, { recursive: true, force: true });
  });

  it('is marked failed once the process stops beating, and the kind can run again', async () => {
    const cli = startCli(['warm', '--concurrency', '1'], {
      env: { ...harness.env, WORKER_STALE_SECONDS: '2' },
      cwd: workDir,
    });
    await cli.waitForOutput(/cache-warm: 10%/);
    const { rows } = await harness.db.pool.query<{ id: number; status: string }>(
      `SELECT id, status FROM job_runs WHERE kind = 'cache-warm'`,
    );
    expect(rows).toEqual([{ id: expect.any(Number), status: 'running' }]);
    const runId = rows[0]?.id;
    cli.child.kill('SIGKILL');
    await cli.exited;

    await expect
      .poll(
        async () => (await harness.db.pool.query(`SELECT status, error FROM job_runs WHERE id = $1`, [runId])).rows[0],
        {
          timeout: 20_000,
          interval: 200,
        },
      )
      .toEqual({
        status: 'failed',
        error: 'the process running it stopped without finishing it (killed or lost); start the job again',
      });

    harness.sims.lastfm.faults.reset();
    const again = await runJobNow(harness.runtime, 'cache-warm', {});
    expect(again.outcome === 'finished' && again.run.status).toBe('succeeded');
  }, 90_000);
});
