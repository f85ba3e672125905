import type pg from 'pg';
import type { ProgressSnapshot } from '../progress.ts';
import { type JobRunRecord, RUN_COLUMNS } from './run-record.ts';

/**
 * A run interrupted by a worker shutdown (or a database outage) goes back to `queued`; graphile-worker
 * retries its job. Without a snapshot, the progress last persisted is kept.
 */
export async function requeueRun(
  pool: pg.Pool,
  runId: number,
  message: string,
  progress: ProgressSnapshot | undefined,
): Promise<JobRunRecord | undefined> {
  const { rows } = await pool.query<JobRunRecord>(
    `UPDATE job_runs
        SET status = 'queued', message = $2, progress_current = COALESCE($3, progress_current),
            progress_total = COALESCE($4, progress_total), source_counts = COALESCE($5, source_counts),
            failures = COALESCE($6, failures), updated_at = now()
      WHERE id = $1 AND status = 'running'
      RETURNING ${RUN_COLUMNS}`,
    [
      runId,
      message,
      progress?.current ?? null,
      progress?.total ?? null,
      progress ? JSON.stringify(progress.sourceCounts) : null,
      progress ? JSON.stringify(progress.failures) : null,
    ],
  );
  return rows[0];
}
