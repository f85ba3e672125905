// Counting rows by a timestamp column in time independent of the table's size: cache_time_buckets holds
// the entries per UTC day of each column (kept by triggers; cache_time_bucket_entries adds the changes
// not folded into it yet, so every bucket is a sum of a few rows), so "how many rows have column ≤ t" is the
// sum of the days before t's day plus a range scan of t's day alone, over the column's index. The
// scan is bounded by one day's rows, never the table; NULLs sit in the bucket '-infinity'.
export interface BucketedColumn {
  table: string;
  column: string;
  entity: string;
}

/**
 * SQL for the number of rows with `column <= at` (inclusive) or `column < at`; `at` is a placeholder
 * of a timestamptz parameter.
 */
export function countUpTo(target: BucketedColumn, at: string, inclusive: boolean): string {
  const day = `cache_time_bucket(${at}::timestamptz)`;
  return `((SELECT coalesce(sum(entries), 0) FROM cache_time_bucket_entries
             WHERE entity = '${target.entity}' AND measure = '${target.column}' AND bucket > '-infinity' AND bucket < ${day})
         + (SELECT count(*) FROM ${target.table} WHERE ${target.column} >= ${day} AND ${target.column} ${inclusive ? '<=' : '<'} ${at}::timestamptz))`;
}

/** SQL for the number of rows whose column is NULL. */
export function countNull(target: BucketedColumn): string {
  return `(SELECT coalesce(sum(entries), 0) FROM cache_time_bucket_entries
            WHERE entity = '${target.entity}' AND measure = '${target.column}' AND bucket = '-infinity')`;
}

/** SQL for the number of rows (every row has one bucket per column, NULL included). */
export function countAll(target: BucketedColumn): string {
  return `(SELECT coalesce(sum(entries), 0) FROM cache_time_bucket_entries WHERE entity = '${target.entity}' AND measure = '${target.column}')`;
}
