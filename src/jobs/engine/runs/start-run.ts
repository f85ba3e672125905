// Starting a run: at most one active run per kind. The check and the insert (and, for a queued run,
// graphile-worker's job) are one transaction, serialised per kind by an advisory lock, so any number
// of simultaneous starts make one run.
// Raw SQL: the kind's lock (job_kind_lock) and the queued start (job_run_queue, graphile_worker.add_job inside) have no Prisma API.
import type { Prisma, PrismaClient } from '../../../generated/prisma/client.ts';
import type { JobKind, JobTrigger } from '../../../types.ts';
import type { RunClient } from './run-client.ts';
import { ACTIVE_STATUSES, type JobRunRecord } from './run-fields.ts';

export interface StartRunResult {
  run: JobRunRecord;
  /** False when a run of this kind was already queued or running and is returned instead. */
  created: boolean;
}

// Simultaneous starts of a kind queue for its lock, each holding a pooled connection: under a burst the
// wait for a connection (Prisma's maxWait, 2 s by default) and the transaction (5 s) run far longer than
// one start, and a start must wait its turn, not fail, as it did on a plain pg transaction.
export const RUN_TRANSACTION = { maxWait: 60_000, timeout: 60_000 };

/** A run's options are what a kind's zod schema parsed from JSON-shaped input: JSON again. */
function asJson(options: Record<string, unknown>): Prisma.InputJsonObject {
  return options as Prisma.InputJsonObject;
}

/** Within the start's transaction: takes the kind's lock and returns the active run of that kind, if any. */
async function lockKind(tx: RunClient, kind: JobKind): Promise<JobRunRecord | null> {
  // Raw: an advisory lock (the SQL function job_kind_lock, which job_run_queue takes too) has no Prisma API.
  await tx.$executeRaw`SELECT job_kind_lock(${kind})`;
  return await tx.jobRun.findFirst({
    where: { kind, status: { in: [...ACTIVE_STATUSES] } },
    orderBy: { id: 'asc' },
  });
}

export interface QueuedRunRequest {
  kind: JobKind;
  trigger: JobTrigger;
  options: Record<string, unknown>;
  maxAttempts?: number;
}

/**
 * Queues a run through graphile-worker, or returns the active run of that kind: the lock, the check,
 * the row and the job in one statement (the SQL function job_run_queue, whose migration says why).
 */
export async function startQueuedRun(prisma: PrismaClient, request: QueuedRunRequest): Promise<StartRunResult> {
  return await queueRunWithin(prisma, request);
}

/** startQueuedRun inside a transaction the caller holds (e.g. the one that ends the run this one follows). */
export async function queueRunWithin(tx: RunClient, request: QueuedRunRequest): Promise<StartRunResult> {
  // Raw: a function call, which Prisma has no API for.
  const [queued] = await tx.$queryRaw<Array<{ run_id: number; created: boolean }>>`
    SELECT run_id, created FROM job_run_queue(
      ${request.kind}, ${request.trigger}::job_trigger, ${JSON.stringify(request.options)}::jsonb, ${request.maxAttempts ?? 5}::int)`;
  if (!queued) throw new Error(`job_run_queue returned no run for ${request.kind}`);
  const run = await tx.jobRun.findUniqueOrThrow({ where: { id: queued.run_id } });
  return { run, created: queued.created };
}

/**
 * A run that starts now in this process (the CLI, or a scheduled occurrence inside a worker): its row
 * is created `running`. When a run of that kind is already active, that one is returned instead.
 */
export async function startImmediateRun(
  prisma: PrismaClient,
  request: {
    kind: JobKind;
    trigger: JobTrigger;
    options: Record<string, unknown>;
    ownerProcessId: string;
    workerJobId?: string;
    attempt?: number;
  },
): Promise<StartRunResult> {
  return await prisma.$transaction(async (tx) => {
    const existing = await lockKind(tx, request.kind);
    if (existing) return { run: existing, created: false };
    const now = new Date();
    const run = await tx.jobRun.create({
      data: {
        kind: request.kind,
        status: 'running',
        trigger: request.trigger,
        options: asJson(request.options),
        createdAt: now,
        startedAt: now,
        workerJobId: request.workerJobId ?? null,
        attempt: request.attempt ?? 1,
        ownerProcessId: request.ownerProcessId,
      },
    });
    return { run, created: true };
  }, RUN_TRANSACTION);
}
