import type pg from 'pg';
import type { JobKind, JobTrigger } from '../../types.ts';
import { type JobRunRecord, KIND_LOCK_NAMESPACE, RUN_COLUMNS } from './run-record.ts';

export interface StartRunResult {
  run: JobRunRecord;
  /** False when a run of this kind was already queued or running and is returned instead. */
  created: boolean;
}

/**
 * Queues a run through graphile-worker, or returns the active run of that kind. The row and the
 * graphile-worker job are written in one transaction, serialised per kind by an advisory lock, so
 * any number of simultaneous starts make one run. created_at is the moment of the insert, after the
 * lock (now() would be the transaction's start, before a wait for the lock, and could predate the end
 * of the run it waited behind).
 */
export async function startQueuedRun(
  pool: pg.Pool,
  request: { kind: JobKind; trigger: JobTrigger; options: Record<string, unknown>; maxAttempts?: number },
): Promise<StartRunResult> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [KIND_LOCK_NAMESPACE + request.kind]);
    const existing = await client.query<JobRunRecord>(
      `SELECT ${RUN_COLUMNS} FROM job_runs WHERE kind = $1 AND status IN ('queued', 'running') ORDER BY id LIMIT 1`,
      [request.kind],
    );
    if (existing.rows[0]) {
      await client.query('COMMIT');
      return { run: existing.rows[0], created: false };
    }
    const inserted = await client.query<{ id: number }>(
      `INSERT INTO job_runs (kind, status, trigger, options, created_at) VALUES ($1, 'queued', $2, $3, clock_timestamp()) RETURNING id`,
      [request.kind, request.trigger, JSON.stringify(request.options)],
    );
    const runId = inserted.rows[0]?.id;
    const job = await client.query<{ id: string }>(
      `SELECT id::text FROM graphile_worker.add_job($1, $2::json, max_attempts => $3, job_key => $4)`,
      [request.kind, JSON.stringify({ runId }), request.maxAttempts ?? 5, `run:${request.kind}`],
    );
    const run = await client.query<JobRunRecord>(
      `UPDATE job_runs SET worker_job_id = $2 WHERE id = $1 RETURNING ${RUN_COLUMNS}`,
      [runId, job.rows[0]?.id],
    );
    await client.query('COMMIT');
    const record = run.rows[0];
    if (!record) throw new Error('the new run disappeared inside its own transaction');
    return { run: record, created: true };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * A run that starts now in this process (the CLI, or a scheduled occurrence inside a worker): its row
 * is created `running`. Returns undefined when a run of that kind is already active.
 */
export async function startImmediateRun(
  pool: pg.Pool,
  request: {
    kind: JobKind;
    trigger: JobTrigger;
    options: Record<string, unknown>;
    ownerProcessId: string;
    workerJobId?: string;
    attempt?: number;
  },
): Promise<{ run: JobRunRecord; created: true } | { run: JobRunRecord; created: false }> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [KIND_LOCK_NAMESPACE + request.kind]);
    const existing = await client.query<JobRunRecord>(
      `SELECT ${RUN_COLUMNS} FROM job_runs WHERE kind = $1 AND status IN ('queued', 'running') ORDER BY id LIMIT 1`,
      [request.kind],
    );
    if (existing.rows[0]) {
      await client.query('COMMIT');
      return { run: existing.rows[0], created: false };
    }
    const inserted = await client.query<JobRunRecord>(
      `INSERT INTO job_runs (kind, status, trigger, options, created_at, started_at, worker_job_id, attempt, owner_process_id)
       VALUES ($1, 'running', $2, $3, clock_timestamp(), clock_timestamp(), $4, $5, $6) RETURNING ${RUN_COLUMNS}`,
      [
        request.kind,
        request.trigger,
        JSON.stringify(request.options),
        request.workerJobId ?? null,
        request.attempt ?? 1,
        request.ownerProcessId,
      ],
    );
    await client.query('COMMIT');
    const run = inserted.rows[0];
    if (!run) throw new Error('insert returned no row');
    return { run, created: true };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
