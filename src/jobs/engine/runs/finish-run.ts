// The one place a run's final status is written, and the one place that announces it.
import type pg from 'pg';
import type { Logger } from '../../../logger.ts';
import type { ProgressSnapshot } from '../progress.ts';
import { eventFromRun, publishRunEvent } from '../run-events.ts';
import type { PrismaClient } from '../../../generated/prisma/client.ts';
import type { RunClient } from './run-client.ts';
import { ACTIVE_STATUSES, type FinalStatus, type JobRunRecord } from './run-fields.ts';
import { type QueuedRunRequest, RUN_TRANSACTION, type StartRunResult, queueRunWithin } from './start-run.ts';

export interface RunOutcome {
  status: FinalStatus;
  message?: string | null;
  error?: string | null;
  progress?: ProgressSnapshot;
}

/** The progress columns of a snapshot; none without one (what was last persisted stays). */
export function progressColumns(progress: ProgressSnapshot | undefined) {
  if (!progress) return {};
  return {
    progressCurrent: progress.current,
    progressTotal: progress.total,
    sourceCounts: progress.sourceCounts,
    failures: progress.failures,
    // Only with the counts it was taken with, so a resumed attempt never counts an item twice.
    ...(progress.resumePoint ? { resumePoint: progress.resumePoint } : {}),
  };
}

/**
 * Writes the final status. A run that already has one keeps it (the original system's queue
 * overwrote `failed` with `success`); returns undefined then. Inside a transaction, announce the run
 * after the commit (announceRun), so a subscriber that re-reads it sees the final status. The run keeps
 * its graphile-worker job id: a retry of that job (its process killed after this write, before
 * graphile-worker recorded the job done) finds its run ended and does nothing.
 */
export async function finishRunWith(
  prisma: RunClient,
  runId: number,
  outcome: RunOutcome,
): Promise<JobRunRecord | undefined> {
  const [run] = await prisma.jobRun.updateManyAndReturn({
    where: { id: runId, status: { in: [...ACTIVE_STATUSES] } },
    data: {
      status: outcome.status,
      finishedAt: new Date(),
      message: outcome.message ?? null,
      error: outcome.error ?? null,
      ...progressColumns(outcome.progress),
    },
  });
  return run;
}

/** Tells every process's subscribers what became of a run. An announcement lost is not the run's failure. */
export async function announceRun(
  db: { pool: pg.Pool; logger?: Logger },
  run: JobRunRecord,
  at: Date = new Date(),
): Promise<void> {
  await publishRunEvent(db.pool, eventFromRun(run, at)).catch((error: unknown) =>
    db.logger?.warn({ err: error, runId: run.id }, 'could not announce the run'),
  );
}

/** Finishes a run and announces it: undefined when it had already ended (then nothing is announced). */
export async function finishAndAnnounce(
  db: { prisma: RunClient; pool: pg.Pool; logger?: Logger },
  runId: number,
  outcome: RunOutcome,
  at?: Date,
): Promise<JobRunRecord | undefined> {
  const finished = await finishRunWith(db.prisma, runId, outcome);
  if (finished) await announceRun(db, finished, at);
  return finished;
}

/**
 * A run's end and the run queued after it (a scheduled warm's album warm), in one transaction: a
 * process killed between the two would otherwise leave the run ended and its follow-up never queued
 * (a retry of its job finds the run ended). Killed before the commit, the run is still active and is
 * resumed, follow-up included. `followUp` is undefined when the run already had a final status.
 */
export async function finishAndQueueFollowUp(
  db: { prisma: PrismaClient; pool: pg.Pool; logger?: Logger },
  runId: number,
  outcome: RunOutcome,
  next: QueuedRunRequest,
  at?: Date,
): Promise<{ finished: JobRunRecord | undefined; followUp?: StartRunResult }> {
  const result = await db.prisma.$transaction(async (tx) => {
    const finished = await finishRunWith(tx, runId, outcome);
    if (!finished) return { finished };
    return { finished, followUp: await queueRunWithin(tx, next) };
  }, RUN_TRANSACTION);
  if (result.finished) await announceRun(db, result.finished, at);
  if (result.followUp?.created) await announceRun(db, result.followUp.run, at);
  return result;
}
