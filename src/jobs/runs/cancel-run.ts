import type pg from 'pg';
import { publishRunEvent, eventFromRun, RUN_CANCEL_CHANNEL } from '../run-events.ts';
import { finishRunWith } from './finish-run.ts';
import { FINAL_STATUSES, type JobRunRecord, RUN_COLUMNS } from './run-record.ts';

export type CancelResult =
  | { outcome: 'not-found' }
  | { outcome: 'already-finished'; run: JobRunRecord }
  /** It was queued: its job is removed and the run is cancelled now. */
  | { outcome: 'cancelled'; run: JobRunRecord }
  /** It is running: the process holding it stops at its next check point and marks it cancelled. */
  | { outcome: 'cancel-requested'; run: JobRunRecord };

export async function cancelRun(pool: pg.Pool, runId: number): Promise<CancelResult> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<JobRunRecord>(`SELECT ${RUN_COLUMNS} FROM job_runs WHERE id = $1 FOR UPDATE`, [
      runId,
    ]);
    const run = rows[0];
    let result: CancelResult;
    if (!run) result = { outcome: 'not-found' };
    else if (FINAL_STATUSES.includes(run.status)) result = { outcome: 'already-finished', run };
    else if (run.status === 'queued') {
      // Deletes the job unless a worker has just locked it; then it is kept from retrying, and the
      // worker finds the run cancelled when it tries to claim it.
      await client.query('SELECT graphile_worker.remove_job($1)', [`run:${run.kind}`]);
      // A scheduled run's job has no key: remove it by id (a job locked by a worker is left alone).
      if (run.workerJobId !== null) {
        await client.query('DELETE FROM graphile_worker._private_jobs WHERE id = $1::bigint AND locked_at IS NULL', [
          run.workerJobId,
        ]);
      }
      const cancelled = await finishRunWith(client, runId, {
        status: 'cancelled',
        message: 'cancelled before it started',
      });
      result = cancelled ? { outcome: 'cancelled', run: cancelled } : { outcome: 'already-finished', run };
      if (cancelled) await publishRunEvent(client, eventFromRun(cancelled));
    } else {
      const updated = await client.query<JobRunRecord>(
        `UPDATE job_runs SET cancel_requested_at = COALESCE(cancel_requested_at, now()) WHERE id = $1 RETURNING ${RUN_COLUMNS}`,
        [runId],
      );
      await client.query('SELECT pg_notify($1, $2)', [RUN_CANCEL_CHANNEL, String(runId)]);
      result = { outcome: 'cancel-requested', run: updated.rows[0] ?? run };
    }
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
