import type pg from 'pg';
import type { ProgressSnapshot } from '../progress.ts';

/** Saves a running run's progress (never over a final status); returns whether a cancel has been requested meanwhile. */
export async function persistProgress(
  pool: pg.Pool,
  runId: number,
  progress: ProgressSnapshot,
): Promise<{ cancelRequested: boolean }> {
  const { rows } = await pool.query<{ cancelRequested: boolean }>(
    `UPDATE job_runs
        SET progress_current = $2, progress_total = $3, source_counts = $4, failures = $5, message = $6, updated_at = now()
      WHERE id = $1 AND status IN ('queued', 'running')
      RETURNING cancel_requested_at IS NOT NULL AS "cancelRequested"`,
    [
      runId,
      progress.current,
      progress.total,
      JSON.stringify(progress.sourceCounts),
      JSON.stringify(progress.failures),
      progress.message,
    ],
  );
  return { cancelRequested: rows[0]?.cancelRequested ?? false };
}
