// Cache statistics on a million artists, one caller. Run: npm run bench -- cache-stats (about 40 s on 2
// cores, plus the seed when no earlier benchmark of the run built it).
//
// On the shared seeded library (1,000,000 artists, 300,000 albums, 500,000 tracks: support/seed.ts),
// times, in the same run and on the same data:
//   - getCacheStatistics (every figure of cacheStats for the three tables), against the baseline
//     countTableTotals: the count(*) of every table, which is all cacheStats answered before. Target
//     ≤ 3x. The statistics read counters only (status, source and genre facets; entries per day of
//     expiry and of last use) plus an index range over the one day each bound falls in, so they take
//     far less than one pass over a table, and one that reads rows or unnests genres lands far above
//     (the reference line measures the direct way). A ratio rather than milliseconds, so that the
//     target means the same on a laptop and on a loaded CI runner.
//   - the same at a clock where every entry has expired: with day buckets this costs what the first does.
//   - the price of the counters on the write path: a 500-artist upsert with and without the counter
//     triggers (facets and day buckets; the genre index's and the change feed's stay on). Target ≤ 1.5x.
//     The same upsert with no trigger at all is printed for reference.
// Exits with 1 when a target is missed.
import pg from 'pg';
import type { ArtistWrite } from '../src/cache/storage/artist-cache.ts';
import { upsertArtists } from '../src/cache/storage/artist-cache.ts';
import { getCacheStatistics } from '../src/cache/use-cases/statistics/get-cache-statistics.ts';
import { countTableTotals } from '../src/cache/storage/statistics/table-totals.ts';
import { openSeededDatabase } from './support/database.ts';
import { median, reportBenchResult } from './support/report.ts';

const STATS_TARGET = 3;
const WRITE_TARGET = 1.5;
const config = { refresh: { lookaheadDays: 7, hotDays: 30, warmDays: 180, coldDays: 365, refreshCold: false } };

// What the artist figures would cost without counters and index ranges: every row read, genres unnested.
const DIRECT_FIGURES = `
SELECT source, status, count(*), count(*) FILTER (WHERE expires_at <= $1) AS expired,
       count(*) FILTER (WHERE expires_at > $1 AND expires_at <= $2) AS soon,
       count(*) FILTER (WHERE last_used_at >= $3) AS hot, count(*) FILTER (WHERE last_used_at >= $4 AND last_used_at < $3) AS warm
  FROM artist_cache GROUP BY source, status`;
const DIRECT_GENRES =
  'SELECT genre, count(*) FROM artist_cache, unnest(genres) AS genre GROUP BY genre ORDER BY 2 DESC LIMIT 10';

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await work();
  return [result, performance.now() - start];
}

const ms = (value: number) => `${value.toFixed(value < 10 ? 1 : 0)} ms`;
const count = (value: number) => value.toLocaleString('en-US');

async function writeOverhead(pool: pg.Pool, now: Date): Promise<{ on: number; off: number; none: number }> {
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
  const none: number[] = [];
  // Alternating rounds, so that drift in the machine's load hits all sides alike.
  for (let round = 0; round < 24; round += 1) {
    on.push((await timed(() => upsertArtists(pool, batch(`on ${round}`))))[1]);
    await withTriggersOff(pool, COUNTER_TRIGGERS, async () => {
      off.push((await timed(() => upsertArtists(pool, batch(`off ${round}`))))[1]);
    });
    await withTriggersOff(pool, ['USER'], async () => {
      none.push((await timed(() => upsertArtists(pool, batch(`none ${round}`))))[1]);
    });
  }
  // The seeded library is shared with other benchmarks: the rows go again, each the way it came (with
  // the triggers for those written with them), so the counters, the genre index and the feed stay exact.
  await pool.query(`DELETE FROM artist_cache WHERE name_key LIKE 'bench on %'`);
  await withTriggersOff(pool, COUNTER_TRIGGERS, () =>
    pool.query(`DELETE FROM artist_cache WHERE name_key LIKE 'bench off %'`),
  );
  await withTriggersOff(pool, ['USER'], () =>
    pool.query(`DELETE FROM artist_cache WHERE name_key LIKE 'bench none %'`),
  );
  // The first rounds warm caches and plans; they are left out.
  return { on: median(on.slice(4)), off: median(off.slice(4)), none: median(none.slice(4)) };
}

/** The statistics counters' triggers on artist_cache (the other triggers keep the genre index and the change feed). */
const COUNTER_TRIGGERS = ['facet_counts', 'time_buckets'].flatMap((kind) =>
  ['insert', 'update', 'delete'].map((event) => `artist_cache_${kind}_${event}`),
);

/** Runs `work` with the named triggers of artist_cache disabled (`USER`: all of them). */
async function withTriggersOff<T>(pool: pg.Pool, triggers: string[], work: () => Promise<T>): Promise<T> {
  const alter = (action: 'DISABLE' | 'ENABLE') =>
    pool.query(`ALTER TABLE artist_cache ${triggers.map((trigger) => `${action} TRIGGER ${trigger}`).join(', ')}`);
  await alter('DISABLE');
  try {
    return await work();
  } finally {
    await alter('ENABLE');
  }
}

async function main(): Promise<void> {
  const began = performance.now();
  const db = await openSeededDatabase();
  const { artists: ARTISTS, albums: ALBUMS, tracks: TRACKS } = db.seed;
  const pool = new pg.Pool({ connectionString: db.url, max: 4 });
  let failed = false;
  try {
    const now = new Date();
    const statistics = await getCacheStatistics(pool, now, config);
    if (
      statistics.artists.total !== ARTISTS ||
      statistics.albums.total !== ALBUMS ||
      statistics.tracks.total !== TRACKS
    ) {
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
    for (let round = 0; round < 5; round += 1)
      worst.push((await timed(() => getCacheStatistics(pool, lapsed, config)))[1]);
    const worstMs = median(worst);
    console.log(`  with every entry expired: ${ms(worstMs)} = ${(worstMs / base).toFixed(1)}x`);

    const bounds = [
      now,
      new Date(now.getTime() + 7 * 86_400_000),
      new Date(now.getTime() - 30 * 86_400_000),
      new Date(now.getTime() - 180 * 86_400_000),
    ];
    const direct: number[] = [];
    for (let round = 0; round < 3; round += 1) {
      direct.push((await timed(() => Promise.all([pool.query(DIRECT_FIGURES, bounds), pool.query(DIRECT_GENRES)])))[1]);
    }
    const directMs = median(direct);
    console.log(
      `  for reference, artists alone the direct way (every row read, genres unnested): ${ms(directMs)} = ${(directMs / base).toFixed(1)}x`,
    );

    const writes = await writeOverhead(pool, now);
    const writeRatio = writes.on / writes.off;
    console.log(
      `  for reference, the same upsert with no trigger at all (no genre index, no change feed either): ${ms(writes.none)}; with all: ${(writes.on / writes.none).toFixed(2)}x`,
    );
    failed ||= writeRatio > WRITE_TARGET;
    reportBenchResult({
      name: 'cache-stats-write-cost',
      workload: 'upsert of 500 artists with the counter triggers (facets, day buckets)',
      target: `≤ ${WRITE_TARGET}× without them`,
      result: `${ms(writes.on)} = ${writeRatio.toFixed(2)}×`,
      baseline: `without the counter triggers ${ms(writes.off)}`,
      pass: writeRatio <= WRITE_TARGET,
    });
  } finally {
    await pool.end();
    await db.close();
  }
  console.log(`(whole benchmark: ${((performance.now() - began) / 1000).toFixed(0)} s)`);
  if (failed) process.exitCode = 1;
}

await main();
