import type pg from 'pg';
import { type JobRunRecord, RUN_COLUMNS } from './run-record.ts';

/**
 * A worker takes a queued run (or, after a crash, the run a dead worker held) and marks it running.
 * A run that has already ended (cancelled while queued) is not claimed.
 */
export async function claimRun(
  pool: pg.Pool,
  runId: number,
  attempt: number,
  workerJobId: string,
  ownerProcessId: string,
): Promise<JobRunRecord | undefined> {
  const { rows } = await pool.query<JobRunRecord>(
    `UPDATE job_runs
        SET status = 'running', started_at = COALESCE(started_at, now()), attempt = $2, worker_job_id = $3,
            message = CASE WHEN $2 > 1 THEN 'attempt ' || $2 || ': resuming after an interrupted attempt' END,
            owner_process_id = $4, updated_at = now()
      WHERE id = $1 AND status IN ('queued', 'running')
      RETURNING ${RUN_COLUMNS}`,
    [runId, attempt, workerJobId, ownerProcessId],
  );
  return rows[0];
}
