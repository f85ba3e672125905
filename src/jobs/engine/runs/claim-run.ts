import type { RunClient } from './run-client.ts';
import { ACTIVE_STATUSES, type JobRunRecord } from './run-fields.ts';

/**
 * A worker takes a queued run (or, after a crash, the run a dead worker held) and marks it running.
 * A run that has already ended (cancelled while queued) is not claimed. `attempt` counts the claims
 * of the run itself, not graphile-worker's attempts: a crash gives its job attempt back
 * (release-jobs.ts), but the run still shows how many times it was started.
 */
export async function claimRun(
  prisma: RunClient,
  runId: number,
  workerJobId: string | null,
  ownerProcessId: string,
): Promise<JobRunRecord | undefined> {
  // A graphile-worker job claims only the run it was queued for: a stray or duplicated job naming
  // another run's id (a hand-added job, a payload copied from the history) must not take that run over
  // and count an attempt for it. The CLI's own runs have no job (null) and claim by id alone.
  const ownJob = workerJobId === null ? {} : { workerJobId };
  // A run's first claim (the common case, on the way from the mutation to RUNNING) is one statement.
  const [first] = await prisma.jobRun.updateManyAndReturn({
    where: { id: runId, status: { in: [...ACTIVE_STATUSES] }, attempt: 0, ...ownJob },
    data: { status: 'running', attempt: 1, startedAt: new Date(), message: null, workerJobId, ownerProcessId },
  });
  if (first) return first;
  const [claimed] = await prisma.jobRun.updateManyAndReturn({
    where: { id: runId, status: { in: [...ACTIVE_STATUSES] }, ...ownJob },
    data: { status: 'running', attempt: { increment: 1 }, workerJobId, ownerProcessId },
  });
  if (!claimed) return undefined;
  // A later claim resumes the run, and says so while it goes on. Only while it is still running: a
  // cancel that ended it in between keeps its own message.
  const [resumed] = await prisma.jobRun.updateManyAndReturn({
    where: { id: runId, status: 'running' },
    data: {
      startedAt: claimed.startedAt ?? new Date(),
      message: `attempt ${claimed.attempt}: resuming after an interrupted attempt`,
    },
  });
  return resumed;
}
