// What happens to the queued runs of a process that is gone (killed, lost, or whose graphile-worker
// pool died and was restarted). graphile-worker counts an attempt when it locks a job, and only its
// 4-hour lock expiry frees a job whose worker vanished. So a crash would both wait four hours and
// spend one of the job's `max_attempts`; five crashes and the job is exhausted while its run stays
// `running`, blocking its kind. Here, in one transaction, through graphile-worker's public SQL API
// (its functions and its `jobs` view): the jobs are unlocked (force_unlock_workers), a job whose
// attempt was spent by an interruption (the crash itself, a shutdown, a lost database) gets that
// attempt back (reschedule_jobs raising max_attempts by one), and runs that can never resume end as
// failed: CLI runs (they have no job), runs whose job is gone, and runs whose job used up its
// attempts on real failures.
// Raw statements here are graphile-worker's functions and row locks, which Prisma has no API for.
import type pg from 'pg';
import type { PrismaClient } from '../../../generated/prisma/client.ts';
import { announceRun, finishRunWith } from './finish-run.ts';
import type { RunClient } from './run-client.ts';
import { RUN_TRANSACTION } from './start-run.ts';
import { ACTIVE_STATUSES, type JobRunRecord } from './run-fields.ts';
import { INTERRUPTED_BY_DATABASE, INTERRUPTED_BY_SHUTDOWN } from '../checkpoint.ts';

const ORPHANED_CLI_RUN = 'the process running it stopped without finishing it (killed or lost); start the job again';
const LOST_JOB = 'its graphile-worker job is gone and the process running it stopped; start the job again';
/** What a task reports when an interruption, not the run, ended its attempt: that attempt is given back. */
const INTERRUPTIONS: ReadonlySet<string> = new Set([INTERRUPTED_BY_SHUTDOWN, INTERRUPTED_BY_DATABASE]);

interface JobRow {
  id: string;
  attempts: number;
  max_attempts: number;
  last_error: string | null;
  locked_by: string | null;
}

export interface ReleaseResult {
  /** Runs whose job was unlocked and given its attempt back: they resume on the next attempt. */
  resumable: number[];
  /** Runs ended as failed. */
  failed: number[];
}

export interface DeadProcess {
  id: string;
  graphileWorkerIds: string[];
}

type RunDatabase = { prisma: PrismaClient; pool: pg.Pool };

export async function releaseJobsOfProcesses(
  db: RunDatabase,
  processIds: readonly string[],
  graphileWorkerIds: readonly string[],
): Promise<ReleaseResult> {
  const released = await db.prisma.$transaction(
    (tx) => releaseWithin(tx, processIds, graphileWorkerIds),
    RUN_TRANSACTION,
  );
  return await announceFinished(db, released);
}

/** A process silent this many stale periods is taken for dead even with its database session open (hung). */
const HUNG_AFTER_STALE_PERIODS = 10;

/**
 * Deregisters the dead processes and releases their runs, in one transaction: if anything fails, they
 * stay registered and the next sweep tries again; two processes sweeping at once release each dead one
 * once (the second finds the rows gone). Dead: silent for longer than `staleAfterMs` with the session
 * that held its liveness lock gone, or silent for HUNG_AFTER_STALE_PERIODS of them whatever its session.
 * A process frozen with its session open (an overloaded machine) keeps its runs until it thaws.
 */
export async function sweepDeadProcesses(
  db: RunDatabase,
  staleAfterMs: number,
): Promise<{ dead: DeadProcess[] } & ReleaseResult> {
  const swept = await db.prisma.$transaction(async (tx) => {
    // Raw: Prisma's deleteMany returns no rows, and the rows deleted are the processes to release.
    // The session test runs only on the silent ones (the CTE is materialised first).
    const rows = await tx.$queryRaw<Array<{ id: string; graphile_worker_ids: string[] | null }>>`
      WITH silent AS MATERIALIZED (
        SELECT id, heartbeat_at < now() - make_interval(secs => ${staleAfterMs * HUNG_AFTER_STALE_PERIODS}::double precision / 1000) AS hung
          FROM worker_processes
         WHERE heartbeat_at < now() - make_interval(secs => ${staleAfterMs}::double precision / 1000))
      DELETE FROM worker_processes p USING silent
       WHERE p.id = silent.id AND (silent.hung OR worker_process_session_gone(p.id))
      RETURNING p.id, p.graphile_worker_ids`;
    const dead = rows.map((row) => ({ id: row.id, graphileWorkerIds: row.graphile_worker_ids ?? [] }));
    if (dead.length === 0) return { dead, resumable: [], failed: [], finished: [] };
    const released = await releaseWithin(
      tx,
      dead.map((process) => process.id),
      dead.flatMap((process) => process.graphileWorkerIds),
    );
    return { dead, ...released };
  }, RUN_TRANSACTION);
  return { dead: swept.dead, ...(await announceFinished(db, swept)) };
}

/** Published after the commit, so a subscriber that re-reads the run sees the final status. */
async function announceFinished(
  db: RunDatabase,
  released: ReleaseResult & { finished: JobRunRecord[] },
): Promise<ReleaseResult> {
  for (const run of released.finished) await announceRun(db, run);
  return { resumable: released.resumable, failed: released.failed };
}

async function releaseWithin(
  tx: RunClient,
  processIds: readonly string[],
  graphileWorkerIds: readonly string[],
): Promise<ReleaseResult & { finished: JobRunRecord[] }> {
  const finished: JobRunRecord[] = [];
  const resumable: number[] = [];
  const fail = async (runId: number, error: string) => {
    const failed = await finishRunWith(tx, runId, { status: 'failed', error });
    if (failed) finished.push(failed);
  };
  const runs = await tx.$queryRaw<Array<{ id: number; workerJobId: string | null }>>`
    SELECT id, worker_job_id AS "workerJobId" FROM job_runs
     WHERE status = ANY(${[...ACTIVE_STATUSES]}::job_status[]) AND owner_process_id = ANY(${[...processIds]}::text[])
     ORDER BY id FOR UPDATE`;
  // Whose lock each job was under before the unlock: only a job one of these pools held was
  // interrupted by the crash; an unlocked one had its attempt ended by graphile-worker already.
  const jobIds = runs.flatMap((run) => (run.workerJobId === null ? [] : [run.workerJobId]));
  const jobs = new Map(
    (jobIds.length === 0
      ? []
      : await tx.$queryRaw<JobRow[]>`
          SELECT id::text, attempts, max_attempts, last_error, locked_by FROM graphile_worker.jobs
           WHERE id = ANY(${jobIds}::bigint[])`
    ).map((job) => [job.id, job]),
  );
  // Row locks taken here hold until COMMIT: no live worker can take a job between unlock and refund.
  if (graphileWorkerIds.length > 0)
    await tx.$executeRaw`SELECT graphile_worker.force_unlock_workers(${[...graphileWorkerIds]}::text[])`;
  for (const run of runs) {
    if (run.workerJobId === null) {
      await fail(run.id, ORPHANED_CLI_RUN);
      continue;
    }
    const job = jobs.get(run.workerJobId);
    if (!job) {
      await fail(run.id, LOST_JOB);
      continue;
    }
    // A live worker holds it: that worker claims the run.
    if (job.locked_by !== null && !graphileWorkerIds.includes(job.locked_by)) continue;
    const interrupted = job.locked_by !== null || INTERRUPTIONS.has(job.last_error ?? '');
    if (!interrupted) {
      // Ended by a real failure: graphile-worker retries it after its backoff, or it has no attempts left.
      if (job.attempts >= job.max_attempts)
        await fail(run.id, `gave up after ${job.attempts} attempts: ${job.last_error ?? 'no error recorded'}`);
      else resumable.push(run.id);
      continue;
    }
    if (job.attempts === 0) {
      // Never locked: nothing was spent.
      resumable.push(run.id);
      continue;
    }
    // reschedule_jobs returns the job when it is unlocked (it is now: its pool is one of those released).
    const [refunded] = await tx.$queryRaw<Array<{ id: string }>>`
      SELECT id::text FROM graphile_worker.reschedule_jobs(ARRAY[${job.id}::bigint], run_at => now(), max_attempts => ${job.max_attempts + 1}::int)`;
    if (refunded) resumable.push(run.id);
  }
  return { resumable, failed: finished.map((run) => run.id), finished };
}
