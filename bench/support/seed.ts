// The large library every read benchmark runs on: 1,000,000 artists, 300,000 albums and 500,000 tracks,
// generated in PostgreSQL (generate_series) rather than sent from Node, then indexed and vacuumed.
import pg from 'pg';

export const SEED = { artists: 1_000_000, albums: 300_000, tracks: 500_000, genres: 600 } as const;
export type SeedSummary = typeof SEED;
/** Change when the generated data changes, so the run's template database is seeded again. */
export const SEED_VERSION = 'v2';
const CHUNK = 125_000;

/** How the seed names artists and genres (`Artist 17`, `genre 3`; genre 0 is the most common). */
export const seedGenreOf = (rank: number) => `genre ${rank}`;

// Genres follow a steep power law (a few big ones, a long tail), 1 to 5 per entry; a fifth of entries
// were never used, the rest mostly recently; expiries spread over the TTL with some already past.
const GENRE = `'genre ' || floor(${SEED.genres} * pow(random(), 3))::int`;
const SEED_ARTISTS = `
INSERT INTO artist_cache (name_key, name, plex_rating_key, musicbrainz_id, genres, styles, moods, source, status, raw_tags,
                          fetched_at, expires_at, last_used_at, use_count)
SELECT 'artist ' || i, 'Artist ' || i, (100000 + i)::text, md5(i::text),
       (ARRAY[${GENRE}, ${GENRE}, ${GENRE}, ${GENRE}, ${GENRE}])[1:1 + i % 5],
       ARRAY['style ' || (i % 50)], ARRAY['mood ' || (i % 20)],
       (ARRAY['{plex,lastfm}', '{lastfm}', '{plex}', '{}', '{plex,lastfm,musicbrainz}', '{spotify}', '{plex,lastfm}'])[1 + i % 7]::text[],
       (ARRAY['ok', 'ok', 'ok', 'ok', 'ok', 'empty', 'partial', 'error'])[1 + i % 8]::entry_status,
       jsonb_build_object('plex', jsonb_build_object('genres', ARRAY['Rock', 'Alternative'], 'moods', ARRAY['Brooding']),
                          'lastfm', jsonb_build_array(jsonb_build_object('name', 'rock', 'weight', 100),
                                                      jsonb_build_object('name', 'indie', 'weight', 40))),
       $1::timestamptz - interval '100 days', $1::timestamptz + (random() * 230 - 30) * interval '1 day',
       CASE WHEN i % 5 = 0 THEN NULL ELSE $1::timestamptz - pow(random(), 2) * 400 * interval '1 day' END, i % 17
  FROM generate_series($2::int, $3::int) AS i`;
const SEED_ALBUMS = `
INSERT INTO album_cache (artist_key, title_key, artist_name, title, genres, source, status, expires_at, last_used_at)
SELECT 'artist ' || (i % 100000), 'album ' || i, 'Artist ' || (i % 100000), 'Album ' || i,
       (ARRAY[${GENRE}, ${GENRE}, ${GENRE}])[1:1 + i % 3],
       (ARRAY['{lastfm}', '{plex,lastfm}', '{artist}', '{}'])[1 + i % 4]::text[], (ARRAY['ok', 'ok', 'ok', 'empty'])[1 + i % 4]::entry_status,
       $1::timestamptz + (random() * 120 - 30) * interval '1 day',
       CASE WHEN i % 4 = 0 THEN NULL ELSE $1::timestamptz - pow(random(), 2) * 400 * interval '1 day' END
  FROM generate_series($2::int, $3::int) AS i`;
const SEED_TRACKS = `
INSERT INTO track_cache (rating_key, title, artist_name, album_title, artist_key, album_key, track_number, duration_ms,
                         genres, static_expires_at, stats_expires_at, view_count, last_used_at)
SELECT 'track-' || i, 'Track ' || i, 'Artist', 'Album', 'artist ' || (i % 100000), 'album ' || (i % 200000), 1 + i % 12,
       180000 + i % 120000, ARRAY[${GENRE}],
       $1::timestamptz + (random() * 120 - 30) * interval '1 day', $1::timestamptz + (random() * 30 - 6) * interval '1 hour',
       i % 40, CASE WHEN i % 2 = 0 THEN NULL ELSE $1::timestamptz - pow(random(), 2) * 400 * interval '1 day' END
  FROM generate_series($2::int, $3::int) AS i`;

/** Seeds in chunks, two at a time (one per core), so the load stays within the time budget. */
async function seed(pool: pg.Pool, sql: string, rows: number, now: Date): Promise<void> {
  const chunks: Array<[number, number]> = [];
  for (let first = 1; first <= rows; first += CHUNK) chunks.push([first, Math.min(rows, first + CHUNK - 1)]);
  const next = async (): Promise<void> => {
    const chunk = chunks.shift();
    if (!chunk) return;
    await pool.query(sql, [now, ...chunk]);
    await next();
  };
  await Promise.all([next(), next()]);
}

/**
 * Runs the bulk load with the tables' secondary indexes dropped, then builds them again from their own
 * definitions: building an index once is several times faster than maintaining it row by row (the GIN
 * index on genres above all), and the result is the same index.
 */
async function withIndexesBuiltAfter(pool: pg.Pool, tables: string[], load: () => Promise<void>): Promise<void> {
  const { rows } = await pool.query<{ name: string; definition: string }>(
    `SELECT indexname AS name, indexdef AS definition FROM pg_indexes
      WHERE schemaname = 'public' AND tablename = ANY($1) AND indexname NOT LIKE '%\\_pkey'`,
    [tables],
  );
  for (const index of rows) await pool.query(`DROP INDEX ${pg.escapeIdentifier(index.name)}`);
  await load();
  const pending = [...rows];
  const build = async (): Promise<void> => {
    const index = pending.shift();
    if (!index) return;
    await pool.query(index.definition);
    await build();
  };
  await Promise.all([build(), build()]);
}

/** Seeds the large library into a migrated, empty database. */
export async function seedLargeLibrary(url: string, now: Date = new Date()): Promise<void> {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  try {
    await withIndexesBuiltAfter(pool, ['artist_cache', 'album_cache', 'track_cache'], async () => {
      await seed(pool, SEED_ARTISTS, SEED.artists, now);
      await seed(pool, SEED_ALBUMS, SEED.albums, now);
      await seed(pool, SEED_TRACKS, SEED.tracks, now);
    });
    // Where autovacuum would be in a running service: statistics known, visibility map set.
    await pool.query('VACUUM ANALYZE');
  } finally {
    await pool.end();
  }
}
