import type pg from 'pg';
import type { ProgressSnapshot } from '../progress.ts';
import { type JobRunRecord, RUN_COLUMNS } from './run-record.ts';

/** A run interrupted by a worker shutdown goes back to `queued`; graphile-worker retries its job. */
export async function requeueRun(
  pool: pg.Pool,
  runId: number,
  message: string,
  progress: ProgressSnapshot,
): Promise<JobRunRecord | undefined> {
  const { rows } = await pool.query<JobRunRecord>(
    `UPDATE job_runs
        SET status = 'queued', message = $2, progress_current = $3, progress_total = $4,
            source_counts = $5, failures = $6, updated_at = now()
      WHERE id = $1 AND status = 'running'
      RETURNING ${RUN_COLUMNS}`,
    [runId, message, progress.current, progress.total, JSON.stringify(progress.sourceCounts), JSON.stringify(progress.failures)],
  );
  return rows[0];
}
