// Names of seeded entries for the lookup benchmarks: fresh ones only (a read of an expired entry asks
// for a refresh, which is not what these benchmarks measure).
import pg from 'pg';

export async function freshArtistNames(url: string, count: number): Promise<string[]> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    const { rows } = await pool.query<{ name: string }>(
      `SELECT name FROM artist_cache WHERE expires_at > now() + interval '1 day' AND status = 'ok' ORDER BY md5(name) LIMIT $1`,
      [count],
    );
    return rows.map((row) => row.name);
  } finally {
    await pool.end();
  }
}

export function pick<T>(values: readonly T[]): T {
  return values[Math.floor(Math.random() * values.length)] as T;
}
