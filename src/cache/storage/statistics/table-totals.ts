import type pg from 'pg';

export interface TableTotals {
  artists: number;
  albums: number;
  tracks: number;
  audioFeatures: number;
  jobRuns: number;
}

/** Row counts of every table, in one statement. */
export async function countTableTotals(pool: pg.Pool): Promise<TableTotals> {
  const { rows } = await pool.query<Record<keyof TableTotals, string>>(`
    SELECT (SELECT count(*) FROM artist_cache)   AS "artists",
           (SELECT count(*) FROM album_cache)    AS "albums",
           (SELECT count(*) FROM track_cache)    AS "tracks",
           (SELECT count(*) FROM audio_features) AS "audioFeatures",
           (SELECT count(*) FROM job_runs)       AS "jobRuns"`);
  const row = rows[0];
  if (!row) throw new Error('count query returned no row');
  return {
    artists: Number(row.artists),
    albums: Number(row.albums),
    tracks: Number(row.tracks),
    audioFeatures: Number(row.audioFeatures),
    jobRuns: Number(row.jobRuns),
  };
}
