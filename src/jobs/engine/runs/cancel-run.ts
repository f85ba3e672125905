// Cancelling a run: a queued one ends now (its graphile-worker job removed through graphile-worker's
// public functions); a running one is asked to stop, and the process holding it ends it.
// Raw SQL inside the Prisma transaction: the row lock (FOR UPDATE) and graphile-worker's functions have no Prisma API.
import type pg from 'pg';
import type { PrismaClient } from '../../../generated/prisma/client.ts';
import type { Logger } from '../../../logger.ts';
import { RUN_CANCEL_CHANNEL } from '../run-events.ts';
import { announceRun, finishRunWith } from './finish-run.ts';
import { isFinalStatus, type JobRunRecord } from './run-fields.ts';
import { RUN_TRANSACTION } from './start-run.ts';

export type CancelResult =
  | { outcome: 'not-found' }
  | { outcome: 'already-finished'; run: JobRunRecord }
  /** It was queued: its job is removed and the run is cancelled now. */
  | { outcome: 'cancelled'; run: JobRunRecord }
  /** It is running: the process holding it stops at its next check point and marks it cancelled. */
  | { outcome: 'cancel-requested'; run: JobRunRecord };

export async function cancelRun(
  db: { prisma: PrismaClient; pool: pg.Pool; logger?: Logger },
  runId: number,
): Promise<CancelResult> {
  const result = await db.prisma.$transaction(async (tx): Promise<CancelResult> => {
    // Raw: Prisma has no row locks; this one keeps a worker's claim from slipping in between.
    await tx.$executeRaw`SELECT 1 FROM job_runs WHERE id = ${runId} FOR UPDATE`;
    const run = await tx.jobRun.findUnique({ where: { id: runId } });
    if (!run) return { outcome: 'not-found' };
    if (isFinalStatus(run.status)) return { outcome: 'already-finished', run };
    if (run.status === 'queued') {
      // Raw: graphile-worker's public functions. remove_job deletes the keyed job unless a worker has just
      // locked it (then it is kept from retrying, and the worker finds the run cancelled when it claims it).
      await tx.$executeRaw`SELECT graphile_worker.remove_job(${`run:${run.kind}`})`;
      // A scheduled run's job has no key: it is completed (deleted) by id, unless a worker holds it.
      if (run.workerJobId !== null)
        await tx.$executeRaw`SELECT graphile_worker.complete_jobs(ARRAY[${run.workerJobId}::bigint])`;
      const cancelled = await finishRunWith(tx, runId, { status: 'cancelled', message: 'cancelled before it started' });
      return cancelled ? { outcome: 'cancelled', run: cancelled } : { outcome: 'already-finished', run };
    }
    const requested = await tx.jobRun.update({
      where: { id: runId },
      data: { cancelRequestedAt: run.cancelRequestedAt ?? new Date() },
    });
    // Raw: NOTIFY, delivered at commit to the process that holds the run.
    await tx.$executeRaw`SELECT pg_notify(${RUN_CANCEL_CHANNEL}, ${String(runId)})`;
    return { outcome: 'cancel-requested', run: requested };
  }, RUN_TRANSACTION);
  // Announced after the commit, so a subscriber that re-reads the run sees it cancelled.
  if (result.outcome === 'cancelled') await announceRun(db, result.run);
  return result;
}
