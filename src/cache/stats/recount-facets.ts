// Rebuilds cache_facet_counts from the rows. The triggers keep it exact on their own; this is for after a
// bulk load with triggers disabled (session_replication_role = replica, DISABLE TRIGGER) or a restore
// that skipped them. Writers wait while it runs; readers do not.
import type pg from 'pg';

const RECOUNT = `
INSERT INTO cache_facet_counts (entity, facet, value, entries)
SELECT 'artist', 'status', status::text, count(*) FROM artist_cache GROUP BY status
UNION ALL SELECT 'artist', 'source', source, count(*) FROM artist_cache GROUP BY source
UNION ALL SELECT 'artist', 'genre', genre, count(DISTINCT id) FROM artist_cache, unnest(genres) AS genre
           WHERE genre IS NOT NULL GROUP BY genre
UNION ALL SELECT 'album', 'status', status::text, count(*) FROM album_cache GROUP BY status
UNION ALL SELECT 'album', 'source', source, count(*) FROM album_cache GROUP BY source
UNION ALL SELECT 'album', 'genre', genre, count(DISTINCT id) FROM album_cache, unnest(genres) AS genre
           WHERE genre IS NOT NULL GROUP BY genre`;

/** Recounts every facet counter in one transaction; resolves to the number of counter rows written. */
export async function recountFacetCounts(pool: pg.Pool): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // SHARE mode blocks writes (whose triggers would change the counters under us) but not reads.
    await client.query('LOCK TABLE artist_cache, album_cache IN SHARE MODE');
    await client.query('DELETE FROM cache_facet_counts');
    const result = await client.query(RECOUNT);
    await client.query('COMMIT');
    return result.rowCount ?? 0;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
