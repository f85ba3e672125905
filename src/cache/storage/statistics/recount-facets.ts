// Rebuilds cache_facet_counts and cache_time_buckets from the rows (and empties their deltas). The triggers keep it exact on their own; this is for after a
// bulk load with triggers disabled (session_replication_role = replica, DISABLE TRIGGER) or a restore
// that skipped them. Writers wait while it runs; readers do not.
// Raw SQL: a table lock and INSERT … SELECT rebuilds over whole tables, which Prisma has no API for.
import type pg from 'pg';

const RECOUNT = `
INSERT INTO cache_facet_counts (entity, facet, value, entries)
SELECT 'artist', 'status', status::text, count(*) FROM artist_cache GROUP BY status
UNION ALL SELECT 'artist', 'source', cache_source_text(source), count(*) FROM artist_cache GROUP BY 3
UNION ALL SELECT 'artist', 'genre', genre, count(DISTINCT id) FROM artist_cache, unnest(genres) AS genre
           WHERE genre IS NOT NULL GROUP BY genre
UNION ALL SELECT 'album', 'status', status::text, count(*) FROM album_cache GROUP BY status
UNION ALL SELECT 'album', 'source', cache_source_text(source), count(*) FROM album_cache GROUP BY 3
UNION ALL SELECT 'album', 'genre', genre, count(DISTINCT id) FROM album_cache, unnest(genres) AS genre
           WHERE genre IS NOT NULL GROUP BY genre`;

const RECOUNT_BUCKETS = `
INSERT INTO cache_time_buckets (entity, measure, bucket, entries)
SELECT 'artist', 'expires_at', cache_time_bucket(expires_at), count(*) FROM artist_cache GROUP BY 3
UNION ALL SELECT 'artist', 'last_used_at', cache_time_bucket(last_used_at), count(*) FROM artist_cache GROUP BY 3
UNION ALL SELECT 'album', 'expires_at', cache_time_bucket(expires_at), count(*) FROM album_cache GROUP BY 3
UNION ALL SELECT 'album', 'last_used_at', cache_time_bucket(last_used_at), count(*) FROM album_cache GROUP BY 3
UNION ALL SELECT 'track', 'static_expires_at', cache_time_bucket(static_expires_at), count(*) FROM track_cache GROUP BY 3
UNION ALL SELECT 'track', 'stats_expires_at', cache_time_bucket(stats_expires_at), count(*) FROM track_cache GROUP BY 3
UNION ALL SELECT 'track', 'last_used_at', cache_time_bucket(last_used_at), count(*) FROM track_cache GROUP BY 3
UNION ALL SELECT 'audio_features', 'rows', '-infinity', count(*) FROM audio_features HAVING count(*) > 0
UNION ALL SELECT 'job_runs', 'rows', '-infinity', count(*) FROM job_runs HAVING count(*) > 0`;

/** Recounts every facet and time-bucket counter in one transaction; resolves to the number of counter rows written. */
export async function recountFacetCounts(pool: pg.Pool): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // SHARE mode blocks writes (whose triggers would change the counters under us) but not reads.
    await client.query('LOCK TABLE artist_cache, album_cache, track_cache, audio_features, job_runs IN SHARE MODE');
    // A fold in progress (a writer's, before the table lock) has ended; none starts until COMMIT.
    await client.query('SELECT pg_advisory_xact_lock(cache_counter_fold_lock())');
    await client.query('DELETE FROM cache_facet_counts');
    await client.query('DELETE FROM cache_facet_count_deltas');
    await client.query('DELETE FROM cache_time_buckets');
    await client.query('DELETE FROM cache_time_bucket_deltas');
    const facets = await client.query(RECOUNT);
    const buckets = await client.query(RECOUNT_BUCKETS);
    // Readers of the shared statistics see a new change number, so they compute again.
    await client.query(`SELECT nextval('cache_statistics_generation')`);
    await client.query('COMMIT');
    return (facets.rowCount ?? 0) + (buckets.rowCount ?? 0);
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
