import type pg from 'pg';
import type { JobKind, JobStatus } from '../../types.ts';
import { type JobRunRecord, RUN_COLUMNS } from './run-record.ts';

/** Newest first. */
export async function listRuns(
  pool: pg.Pool,
  filter: { kind?: JobKind; status?: JobStatus; limit: number; beforeId?: number },
): Promise<JobRunRecord[]> {
  const { rows } = await pool.query<JobRunRecord>(
    `SELECT ${RUN_COLUMNS} FROM job_runs
      WHERE ($1::text IS NULL OR kind = $1)
        AND ($2::job_status IS NULL OR status = $2)
        AND ($3::int IS NULL OR id < $3)
      ORDER BY id DESC
      LIMIT $4`,
    [filter.kind ?? null, filter.status ?? null, filter.beforeId ?? null, filter.limit],
  );
  return rows;
}

/** The newest run of each kind. */
export async function lastRunPerKind(pool: pg.Pool): Promise<JobRunRecord[]> {
  const { rows } = await pool.query<JobRunRecord>(
    `SELECT DISTINCT ON (kind) ${RUN_COLUMNS} FROM job_runs ORDER BY kind, id DESC`,
  );
  return rows;
}
