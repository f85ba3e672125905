import type pg from 'pg';
import type { JobKind, JobStatus } from '../../types.ts';

/** How many runs match (the API's jobRuns totalCount). */
export async function countRuns(pool: pg.Pool, filter: { kind?: JobKind; status?: JobStatus }): Promise<number> {
  const { rows } = await pool.query<{ count: string }>(
    `SELECT count(*)::text AS count FROM job_runs WHERE ($1::text IS NULL OR kind = $1) AND ($2::job_status IS NULL OR status = $2)`,
    [filter.kind ?? null, filter.status ?? null],
  );
  return Number(rows[0]?.count ?? 0);
}
