import type pg from 'pg';
import { type JobRunRecord, RUN_COLUMNS } from './run-record.ts';

/**
 * A worker takes a queued run (or, after a crash, the run a dead worker held) and marks it running.
 * A run that has already ended (cancelled while queued) is not claimed. `attempt` counts the claims
 * of the run itself, not graphile-worker's attempts: a crash gives its job attempt back
 * (release-jobs.ts), but the run still shows how many times it was started.
 */
export async function claimRun(
  pool: pg.Pool,
  runId: number,
  workerJobId: string | null,
  ownerProcessId: string,
): Promise<JobRunRecord | undefined> {
  const { rows } = await pool.query<JobRunRecord>(
    `UPDATE job_runs
        SET status = 'running', started_at = COALESCE(started_at, now()), attempt = attempt + 1, worker_job_id = $2,
            message = CASE WHEN attempt + 1 > 1 THEN 'attempt ' || (attempt + 1) || ': resuming after an interrupted attempt' END,
            owner_process_id = $3, updated_at = now()
      WHERE id = $1 AND status IN ('queued', 'running')
      RETURNING ${RUN_COLUMNS}`,
    [runId, workerJobId, ownerProcessId],
  );
  return rows[0];
}
