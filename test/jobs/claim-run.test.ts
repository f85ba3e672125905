// A graphile-worker job claims only the run it was queued for.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimRun } from '../../src/jobs/engine/runs/claim-run.ts';
import { getRun } from '../../src/jobs/engine/runs/get-run.ts';
import { startQueuedRun } from '../../src/jobs/engine/runs/start-run.ts';
import { type Harness, startHarness } from '../support/harness.ts';
import { NO_SCHEDULES } from '../support/no-schedules.ts';

describe('claiming a run', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ sims: { seed: 94, artists: 2 }, env: NO_SCHEDULES });
  }, 60_000);
  afterAll(async () => {
    await harness?.close();
  });

  it('refuses a job that names another job’s run, and leaves the run as it was', async () => {
    const { prisma } = harness.db;
    const { run } = await startQueuedRun(prisma, { kind: 'cache-refresh', trigger: 'api', options: {} });
    const ownJob = run.workerJobId ?? '';
    expect(ownJob).not.toBe('');
    const strayJob = String(Number(ownJob) + 1000);

    expect(await claimRun(prisma, run.id, strayJob, 'stray-process')).toBeUndefined();
    expect(await getRun(prisma, run.id)).toMatchObject({
      status: 'queued',
      attempt: 0,
      workerJobId: ownJob,
      ownerProcessId: null,
    });

    // Its own job claims it, and a stray job cannot take over a later attempt either.
    expect(await claimRun(prisma, run.id, ownJob, 'own-process')).toMatchObject({ status: 'running', attempt: 1 });
    expect(await claimRun(prisma, run.id, strayJob, 'stray-process')).toBeUndefined();
    expect(await getRun(prisma, run.id)).toMatchObject({ attempt: 1, ownerProcessId: 'own-process' });
    // The CLI's re-claim after an outage has no job and claims by id.
    expect(await claimRun(prisma, run.id, null, 'own-process')).toMatchObject({ attempt: 2 });
  });
});
