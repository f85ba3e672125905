// What happens to the queued runs of a process that is gone (killed, lost, or whose graphile-worker
// pool died and was restarted). graphile-worker counts an attempt when it locks a job, and only its
// 4-hour lock expiry frees a job whose worker vanished. So a crash would both wait four hours and
// spend one of the job's `max_attempts`; five crashes and the job is exhausted while its run stays
// `running`, blocking its kind. Here, in one transaction, through graphile-worker's public SQL API:
// the jobs are unlocked (force_unlock_workers), each job that was executing one of those runs gets
// back the attempt the crash cost (reschedule_jobs raising max_attempts by one), and runs that can
// never resume end as failed: CLI runs (they have no job) and runs whose job has no attempts left.
import type pg from 'pg';
import { eventFromRun, publishRunEvent } from '../run-events.ts';
import { finishRunWith } from './finish-run.ts';
import type { JobRunRecord } from './run-record.ts';

const ORPHANED_CLI_RUN = 'the process running it stopped without finishing it (killed or lost); start the job again';

interface JobRow {
  id: string;
  attempts: number;
  max_attempts: number;
  last_error: string | null;
}

export interface ReleaseResult {
  /** Runs whose job was unlocked and given its attempt back: they resume on the next attempt. */
  resumable: number[];
  /** Runs ended as failed. */
  failed: number[];
}

export async function releaseJobsOfProcesses(
  pool: pg.Pool,
  processIds: readonly string[],
  graphileWorkerIds: readonly string[],
): Promise<ReleaseResult> {
  return await inTransaction(pool, (client) => releaseWithin(client, processIds, graphileWorkerIds));
}

export interface DeadProcess {
  id: string;
  graphileWorkerIds: string[];
}

/**
 * Deregisters the processes silent for longer than `staleAfterMs` and releases their runs, in one
 * transaction: if anything fails, they stay registered and the next sweep tries again; two processes
 * sweeping at once release each dead one once (the second finds the rows gone).
 */
export async function sweepDeadProcesses(
  pool: pg.Pool,
  staleAfterMs: number,
): Promise<{ dead: DeadProcess[] } & ReleaseResult> {
  return await inTransaction(pool, async (client) => {
    const { rows } = await client.query<{ id: string; graphile_worker_ids: string[] | null }>(
      `DELETE FROM worker_processes WHERE heartbeat_at < now() - make_interval(secs => $1::double precision / 1000)
       RETURNING id, graphile_worker_ids`,
      [staleAfterMs],
    );
    const dead = rows.map((row) => ({ id: row.id, graphileWorkerIds: row.graphile_worker_ids ?? [] }));
    if (dead.length === 0) return { dead, resumable: [], failed: [], finished: [] };
    const released = await releaseWithin(
      client,
      dead.map((process) => process.id),
      dead.flatMap((process) => process.graphileWorkerIds),
    );
    return { dead, ...released };
  });
}

async function inTransaction<T extends ReleaseResult & { finished: JobRunRecord[] }>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<Omit<T, 'finished'>> {
  const client = await pool.connect();
  let result: T;
  try {
    await client.query('BEGIN');
    result = await work(client);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
  // Published after the commit, so a subscriber that re-reads the run sees the final status.
  for (const run of result.finished) await publishRunEvent(pool, eventFromRun(run)).catch(() => undefined);
  const { finished: _published, ...rest } = result;
  return rest;
}

async function releaseWithin(
  client: pg.PoolClient,
  processIds: readonly string[],
  graphileWorkerIds: readonly string[],
): Promise<ReleaseResult & { finished: JobRunRecord[] }> {
  const finished: JobRunRecord[] = [];
  const result: ReleaseResult = { resumable: [], failed: [] };
  // Row locks taken here hold until COMMIT: no live worker can take a job between unlock and refund.
  if (graphileWorkerIds.length > 0)
    await client.query('SELECT graphile_worker.force_unlock_workers($1::text[])', [graphileWorkerIds]);
  const { rows: runs } = await client.query<{ id: number; workerJobId: string | null }>(
    `SELECT id, worker_job_id AS "workerJobId" FROM job_runs
      WHERE status IN ('queued', 'running') AND owner_process_id = ANY($1::text[])
      ORDER BY id FOR UPDATE`,
    [processIds],
  );
  for (const run of runs) {
    if (run.workerJobId === null) {
      const failed = await finishRunWith(client, run.id, { status: 'failed', error: ORPHANED_CLI_RUN });
      if (failed) finished.push(failed);
      continue;
    }
    // reschedule_jobs returns the job when it is unlocked (it is now, unless a live worker holds it).
    const { rows } = await client.query<JobRow>(
      `SELECT id::text, attempts, max_attempts, last_error FROM graphile_worker.reschedule_jobs(ARRAY[$1::bigint])`,
      [run.workerJobId],
    );
    const job = rows[0];
    if (!job) continue;
    if (job.attempts === 0) {
      // Never locked: nothing was spent.
      result.resumable.push(run.id);
      continue;
    }
    const refunded = await client.query<JobRow>(
      `SELECT id::text, attempts, max_attempts, last_error
         FROM graphile_worker.reschedule_jobs(ARRAY[$1::bigint], run_at => now(), max_attempts => $2::int)`,
      [job.id, job.max_attempts + 1],
    );
    const after = refunded.rows[0] ?? job;
    if (after.attempts >= after.max_attempts) {
      const failed = await finishRunWith(client, run.id, {
        status: 'failed',
        error: `gave up after ${after.attempts} attempts: ${after.last_error ?? 'no error recorded'}`,
      });
      if (failed) finished.push(failed);
    } else result.resumable.push(run.id);
  }
  result.failed = finished.map((run) => run.id);
  return { ...result, finished };
}
