import type pg from 'pg';

export type ClearableTable = 'artists' | 'albums' | 'tracks';
export const CLEARABLE_TABLES: readonly ClearableTable[] = ['artists', 'albums', 'tracks'];

const STATEMENTS: Record<ClearableTable, { all: string; expired: string }> = {
  artists: { all: 'DELETE FROM artist_cache', expired: 'DELETE FROM artist_cache WHERE expires_at <= $1' },
  albums: { all: 'DELETE FROM album_cache', expired: 'DELETE FROM album_cache WHERE expires_at <= $1' },
  // A track is expired when its static tier is: its statistics expire every day by design.
  tracks: { all: 'DELETE FROM track_cache', expired: 'DELETE FROM track_cache WHERE static_expires_at <= $1' },
};

/** Removes expired entries (or all) from the chosen tables, in one transaction; returns the counts. */
export async function clearCache(
  pool: pg.Pool,
  options: { tables: readonly ClearableTable[]; expiredOnly: boolean; now: Date },
): Promise<Record<ClearableTable, number>> {
  const counts: Record<ClearableTable, number> = { artists: 0, albums: 0, tracks: 0 };
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    for (const table of options.tables) {
      const statement = STATEMENTS[table];
      const result = options.expiredOnly
        ? await client.query(statement.expired, [options.now])
        : await client.query(statement.all);
      counts[table] = result.rowCount ?? 0;
    }
    await client.query('COMMIT');
    return counts;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
