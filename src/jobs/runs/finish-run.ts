import type { Queryable } from '../../db/queryable.ts';
import type { JobStatus } from '../../types.ts';
import type { ProgressSnapshot } from '../progress.ts';
import { type JobRunRecord, RUN_COLUMNS } from './run-record.ts';

export type FinalStatus = Extract<JobStatus, 'succeeded' | 'failed' | 'cancelled'>;

/**
 * The one place a run's final status is written. A run that already has a final status keeps it
 * (the original system's queue overwrote `failed` with `success`); returns undefined then.
 */
export async function finishRunWith(
  db: Queryable,
  runId: number,
  outcome: { status: FinalStatus; message?: string | null; error?: string | null; progress?: ProgressSnapshot },
): Promise<JobRunRecord | undefined> {
  const progress = outcome.progress;
  const { rows } = await db.query<JobRunRecord>(
    `UPDATE job_runs
        SET status = $2, finished_at = now(), message = $3, error = $4,
            progress_current = COALESCE($5, progress_current), progress_total = COALESCE($6, progress_total),
            source_counts = COALESCE($7, source_counts), failures = COALESCE($8, failures),
            worker_job_id = NULL, updated_at = now()
      WHERE id = $1 AND status IN ('queued', 'running')
      RETURNING ${RUN_COLUMNS}`,
    [
      runId,
      outcome.status,
      outcome.message ?? null,
      outcome.error ?? null,
      progress?.current ?? null,
      progress?.total ?? null,
      progress ? JSON.stringify(progress.sourceCounts) : null,
      progress ? JSON.stringify(progress.failures) : null,
    ],
  );
  return rows[0];
}
