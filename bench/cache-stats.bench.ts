// Cache statistics on a million artists. Run: npm run bench -- cache-stats (about 100 s on 2 cores).
//
// Seeds 1,000,000 artists, 200,000 albums and 500,000 tracks into a throwaway database (an embedded
// PostgreSQL in a temporary folder, or a new database on the server in TEST_DATABASE_URL), then times,
// in the same run and on the same data:
//   - getCacheStatistics (every figure of cacheStats for the three tables), against the baseline
//     countTableTotals: the count(*) of every table, which is all cacheStats answered before. Target
//     ≤ 3x. The statistics read counters (total, status, source, genres) plus index ranges (freshness,
//     tiers): at most about two index passes per table where the totals make one, so a design that
//     keeps to that lands near 1-2x, and one that reads rows or unnests genres lands far above (the
//     reference line measures the direct way). A ratio rather than milliseconds, so that the target
//     means the same on a laptop and on a loaded CI runner.
//   - the same at a clock where every entry has expired, where the expiry ranges cover whole tables.
//   - the price of the counters on the write path: a 500-artist upsert with and without the facet
//     triggers. Target ≤ 1.5x; the GIN index on genres already costs more than the counters.
// Exits with 1 when a target is missed.
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { ArtistWrite } from '../src/cache/artists/artist-row.ts';
import { upsertArtists } from '../src/cache/artists/upsert-artists.ts';
import { getCacheStatistics } from '../src/cache/stats/get-cache-statistics.ts';
import { countTableTotals } from '../src/cache/table-totals.ts';
import { databaseUrl, startEmbeddedPostgres } from '../src/db/embedded-postgres.ts';
import { migrateDatabase } from '../src/db/migrator.ts';
import { silentLogger } from '../src/logger.ts';
import { median, reportBenchResult } from './support/report.ts';

const ARTISTS = 1_000_000;
const ALBUMS = 200_000;
const TRACKS = 500_000;
const CHUNK = 125_000;
const STATS_TARGET = 3;
const WRITE_TARGET = 1.5;
const config = { refresh: { lookaheadDays: 7, hotDays: 30, warmDays: 180, coldDays: 365, refreshCold: false } };

// Genres follow a steep power law (a few big ones, a long tail), 1 to 5 per entry; a fifth of entries
// were never used, the rest mostly recently; expiries spread over the TTL with some already past.
const GENRE = `'genre ' || floor(600 * pow(random(), 3))::int`;
const SEED_ARTISTS = `
INSERT INTO artist_cache (name_key, name, plex_rating_key, musicbrainz_id, genres, styles, moods, source, status, raw_tags,
                          fetched_at, expires_at, last_used_at, use_count)
SELECT 'artist ' || i, 'Artist ' || i, (100000 + i)::text, md5(i::text),
       (ARRAY[${GENRE}, ${GENRE}, ${GENRE}, ${GENRE}, ${GENRE}])[1:1 + i % 5],
       ARRAY['style ' || (i % 50)], ARRAY['mood ' || (i % 20)],
       (ARRAY['plex,lastfm', 'lastfm', 'plex', 'none', 'plex,lastfm,musicbrainz', 'spotify', 'plex,lastfm'])[1 + i % 7],
       (ARRAY['ok', 'ok', 'ok', 'ok', 'ok', 'empty', 'partial', 'error'])[1 + i % 8]::entry_status,
       jsonb_build_object('plex', jsonb_build_object('genres', ARRAY['Rock', 'Alternative'], 'moods', ARRAY['Brooding']),
                          'lastfm', jsonb_build_array(jsonb_build_object('name', 'rock', 'weight', 100),
                                                      jsonb_build_object('name', 'indie', 'weight', 40))),
       $1::timestamptz - interval '100 days', $1::timestamptz + (random() * 230 - 30) * interval '1 day',
       CASE WHEN i % 5 = 0 THEN NULL ELSE $1::timestamptz - pow(random(), 2) * 400 * interval '1 day' END, i % 17
  FROM generate_series($2::int, $3::int) AS i`;
const SEED_ALBUMS = `
INSERT INTO album_cache (artist_key, title_key, artist_name, title, genres, source, status, expires_at, last_used_at)
SELECT 'artist ' || (i % 100000), 'album ' || i, 'Artist', 'Album ' || i,
       (ARRAY[${GENRE}, ${GENRE}, ${GENRE}])[1:1 + i % 3],
       (ARRAY['lastfm', 'plex,lastfm', 'artist', 'none'])[1 + i % 4], (ARRAY['ok', 'ok', 'ok', 'empty'])[1 + i % 4]::entry_status,
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

// What the artist figures would cost without counters and index ranges: every row read, genres unnested.
const DIRECT_FIGURES = `
SELECT source, status, count(*), count(*) FILTER (WHERE expires_at <= $1) AS expired,
       count(*) FILTER (WHERE expires_at > $1 AND expires_at <= $2) AS soon,
       count(*) FILTER (WHERE last_used_at >= $3) AS hot, count(*) FILTER (WHERE last_used_at >= $4 AND last_used_at < $3) AS warm
  FROM artist_cache GROUP BY source, status`;
const DIRECT_GENRES = 'SELECT genre, count(*) FROM artist_cache, unnest(genres) AS genre GROUP BY genre ORDER BY 2 DESC LIMIT 10';

interface Server {
  url: string;
  close(): Promise<void>;
}

async function openServer(): Promise<Server> {
  const external = process.env.TEST_DATABASE_URL;
  if (external) return { url: external, close: async () => undefined };
  // As root, PostgreSQL runs as `postgres`, which must be able to enter the folder.
  const dir = await mkdtemp(path.join(os.tmpdir(), 'linernotes-bench-'));
  await chmod(dir, 0o755);
  const embedded = await startEmbeddedPostgres(dir, silentLogger());
  return {
    url: embedded.serverUrl,
    close: async () => {
      await embedded.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function admin(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await work();
  return [result, performance.now() - start];
}

const ms = (value: number) => `${value.toFixed(value < 10 ? 1 : 0)} ms`;
const count = (value: number) => value.toLocaleString('en-US');

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

async function writeOverhead(pool: pg.Pool, now: Date): Promise<{ on: number; off: number }> {
  const batch = (round: string): ArtistWrite[] =>
    Array.from({ length: 500 }, (_, i) => ({
      nameKey: `bench ${round} ${i}`,
      name: `Bench ${i}`,
      plexRatingKey: null,
      musicbrainzId: null,
      genres: [`genre ${i % 40}`, `genre ${i % 7}`, 'rock'],
      styles: [],
      moods: [],
      source: 'plex,lastfm',
      status: 'ok',
      rawTags: {},
      fetchedAt: now,
      expiresAt: new Date(now.getTime() + 180 * 86_400_000),
      lastError: null,
    }));
  const on: number[] = [];
  const off: number[] = [];
  // Alternating rounds, so that drift in the machine's load hits both sides alike.
  for (let round = 0; round < 24; round += 1) {
    on.push((await timed(() => upsertArtists(pool, batch(`on ${round}`))))[1]);
    await pool.query('ALTER TABLE artist_cache DISABLE TRIGGER USER');
    try {
      off.push((await timed(() => upsertArtists(pool, batch(`off ${round}`))))[1]);
    } finally {
      await pool.query('ALTER TABLE artist_cache ENABLE TRIGGER USER');
    }
  }
  // The first rounds warm caches and plans; they are left out.
  return { on: median(on.slice(4)), off: median(off.slice(4)) };
}

async function main(): Promise<void> {
  const began = performance.now();
  const server = await openServer();
  const name = `linernotes_bench_${randomBytes(4).toString('hex')}`;
  await admin(server.url, `CREATE DATABASE ${name}`);
  const url = databaseUrl(server.url, name);
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  let failed = false;
  try {
    await migrateDatabase(url, silentLogger());
    const now = new Date();
    const [, seedMs] = await timed(async () => {
      await withIndexesBuiltAfter(pool, ['artist_cache', 'album_cache', 'track_cache'], async () => {
        await seed(pool, SEED_ARTISTS, ARTISTS, now);
        await seed(pool, SEED_ALBUMS, ALBUMS, now);
        await seed(pool, SEED_TRACKS, TRACKS, now);
      });
      // Where autovacuum would be in a running service: statistics known, visibility map set.
      await pool.query('VACUUM ANALYZE artist_cache, album_cache, track_cache, cache_facet_counts');
    });
    console.log(`seeded ${count(ARTISTS)} artists, ${count(ALBUMS)} albums, ${count(TRACKS)} tracks in ${(seedMs / 1000).toFixed(0)} s`);

    const statistics = await getCacheStatistics(pool, now, config);
    if (statistics.artists.total !== ARTISTS || statistics.albums.total !== ALBUMS || statistics.tracks.total !== TRACKS) {
      throw new Error(`statistics disagree with the seed: ${JSON.stringify(statistics)}`);
    }
    await countTableTotals(pool);

    const baseline: number[] = [];
    const candidate: number[] = [];
    for (let round = 0; round < 9; round += 1) {
      baseline.push((await timed(() => countTableTotals(pool)))[1]);
      candidate.push((await timed(() => getCacheStatistics(pool, now, config)))[1]);
    }
    const base = median(baseline);
    const stats = median(candidate);
    const ratio = stats / base;
    failed ||= ratio > STATS_TARGET;
    reportBenchResult({
      name: 'cache-stats',
      workload: `getCacheStatistics, one caller, ${count(ARTISTS)} artists`,
      target: `≤ ${STATS_TARGET}× countTableTotals`,
      result: `${ms(stats)} = ${ratio.toFixed(1)}×`,
      baseline: `countTableTotals ${ms(base)}`,
      pass: ratio <= STATS_TARGET,
    });

    // The ranges grow with what they count: at a clock where every entry has expired (a cache left to
    // lapse), the expiry range covers every row of every table.
    const lapsed = new Date(now.getTime() + 400 * 86_400_000);
    const worst: number[] = [];
    for (let round = 0; round < 5; round += 1) worst.push((await timed(() => getCacheStatistics(pool, lapsed, config)))[1]);
    const worstMs = median(worst);
    console.log(`  with every entry expired: ${ms(worstMs)} = ${(worstMs / base).toFixed(1)}x`);

    const bounds = [now, new Date(now.getTime() + 7 * 86_400_000), new Date(now.getTime() - 30 * 86_400_000), new Date(now.getTime() - 180 * 86_400_000)];
    const direct: number[] = [];
    for (let round = 0; round < 3; round += 1) {
      direct.push(
        (
          await timed(() => Promise.all([pool.query(DIRECT_FIGURES, bounds), pool.query(DIRECT_GENRES)]))
        )[1],
      );
    }
    const directMs = median(direct);
    console.log(`  for reference, artists alone the direct way (every row read, genres unnested): ${ms(directMs)} = ${(directMs / base).toFixed(1)}x`);

    const writes = await writeOverhead(pool, now);
    const writeRatio = writes.on / writes.off;
    failed ||= writeRatio > WRITE_TARGET;
    reportBenchResult({
      name: 'cache-stats-write-cost',
      workload: 'upsert of 500 artists with the facet triggers',
      target: `≤ ${WRITE_TARGET}× without triggers`,
      result: `${ms(writes.on)} = ${writeRatio.toFixed(2)}×`,
      baseline: `without triggers ${ms(writes.off)}`,
      pass: writeRatio <= WRITE_TARGET,
    });
  } finally {
    await pool.end();
    await admin(server.url, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await server.close();
  }
  console.log(`(whole benchmark: ${((performance.now() - began) / 1000).toFixed(0)} s)`);
  if (failed) process.exitCode = 1;
}

await main();
