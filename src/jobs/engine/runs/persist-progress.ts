import type { ProgressSnapshot } from '../progress.ts';
import type { RunClient } from './run-client.ts';
import { ACTIVE_STATUSES } from './run-fields.ts';

/** Saves a running run's progress (never over a final status); returns whether a cancel has been requested meanwhile. */
export async function persistProgress(
  prisma: RunClient,
  runId: number,
  progress: ProgressSnapshot,
): Promise<{ cancelRequested: boolean }> {
  const [run] = await prisma.jobRun.updateManyAndReturn({
    where: { id: runId, status: { in: [...ACTIVE_STATUSES] } },
    data: {
      progressCurrent: progress.current,
      progressTotal: progress.total,
      sourceCounts: progress.sourceCounts,
      failures: progress.failures,
      message: progress.message,
      // With the counts it matches, or not at all: a snapshot without one leaves the last one in place.
      ...(progress.resumePoint ? { resumePoint: progress.resumePoint } : {}),
    },
    select: { cancelRequestedAt: true },
  });
  return { cancelRequested: run !== undefined && run.cancelRequestedAt !== null };
}
