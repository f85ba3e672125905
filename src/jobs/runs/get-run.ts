import type pg from 'pg';
import { type JobRunRecord, RUN_COLUMNS } from './run-record.ts';

export async function getRun(pool: pg.Pool, runId: number): Promise<JobRunRecord | undefined> {
  const { rows } = await pool.query<JobRunRecord>(`SELECT ${RUN_COLUMNS} FROM job_runs WHERE id = $1`, [runId]);
  return rows[0];
}
