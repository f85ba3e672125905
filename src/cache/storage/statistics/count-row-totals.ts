// Row counts of the tables without expiry (audio_features, job_runs), from the counters their triggers
// keep in cache_time_buckets (measure `rows`, with the changes not folded yet): no count(*) that reads a whole table.
// Raw SQL: a sum over counter rows filtered by measure, one statement and one snapshot.
import type { Queryable } from '../../../db/queryable.ts';

export interface RowTotals {
  audioFeatures: number;
  jobRuns: number;
}

const STATEMENT = `
SELECT coalesce(sum(entries) FILTER (WHERE entity = 'audio_features'), 0)::int AS "audioFeatures",
       coalesce(sum(entries) FILTER (WHERE entity = 'job_runs'), 0)::int AS "jobRuns"
  FROM cache_time_bucket_entries WHERE entity IN ('audio_features', 'job_runs') AND measure = 'rows'`;

export async function countRowTotals(db: Queryable): Promise<RowTotals> {
  const { rows } = await db.query<RowTotals>(STATEMENT);
  return { audioFeatures: rows[0]?.audioFeatures ?? 0, jobRuns: rows[0]?.jobRuns ?? 0 };
}
