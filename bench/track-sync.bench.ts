// Track statistics refresh of 100,000 tracks. Run: npm run bench -- track-sync (about 2 min on 2 cores).
//
// The Plex simulator serves a 100,000-track library from a process of its own (as a real Plex server
// would); a throwaway PostgreSQL (an embedded one in a temporary folder, or a new database on the server
// in TEST_DATABASE_URL) holds the cache. After one untimed sync has stored every track, the timed
// `track-stats-refresh` runs are the daily steady state: every page listed, every row's statistics tier
// renewed. Baselines, in the same run:
//   - Plex alone: every page of the same listing fetched at PLEX_CONCURRENCY and its body read, with no
//     parsing and no database: the fastest the server can hand the listing over;
//   - COPY: the same rows loaded by PostgreSQL's COPY into a table shaped and indexed like track_cache:
//     the fastest the database can take them.
// Targets: at least 25,000 tracks/s, and at most 1.5 × max(Plex alone, COPY). Medians of repetitions.
// Exits with 1 when a target is missed.
import { prismaOf } from '../src/db/prisma.ts';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { chmod, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { ActiveGenreRules } from '../src/cache/use-cases/active-genre-rules.ts';
import { EntryRefresher } from '../src/cache/use-cases/entry-refresher.ts';
import { parseConfig } from '../src/config.ts';
import { databaseUrl } from '../src/db/embedded-postgres.ts';
import { migrateDatabase } from '../src/db/migrator.ts';
import type { JobContext } from '../src/jobs/engine/job-definition.ts';
import { ProgressReporter } from '../src/jobs/engine/progress.ts';
import { EntitiesInFlight } from '../src/jobs/engine/entities-in-flight.ts';
import { syncTracks } from '../src/jobs/bodies/sync-tracks.ts';
import { silentLogger } from '../src/logger.ts';
import { createProviders } from '../src/providers/create-providers.ts';
import { DEFAULT_PLEX_PAGE_SIZE } from '../src/providers/plex.ts';
import type { TrackTier } from '../src/cache/storage/track-cache.ts';
import { median, reportBenchResult } from './support/report.ts';
import { admin, openServer } from './support/database.ts';

const TRACKS = 100_000;
const ROUNDS = 3;
const RATE_TARGET = 25_000;
const RATIO_TARGET = 1.5;
const benchDir = path.dirname(fileURLToPath(import.meta.url));

interface PlexProcess {
  url: string;
  token: string;
  section: string;
  child: ChildProcess;
}

async function startPlexProcess(): Promise<PlexProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(benchDir, 'support', 'plex-simulator-process.ts'), String(TRACKS)],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  if (!child.stdout) throw new Error('the seeding process has no stdout pipe');
  const lines = createInterface({ input: child.stdout });
  const [line] = (await once(lines, 'line')) as [string];
  lines.close();
  const ready = JSON.parse(line) as { url: string; token: string; section: string };
  return { ...ready, child };
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await work();
  return [result, performance.now() - start];
}

/** Every page of the track listing, bodies read and dropped: what serving alone costs. */
async function fetchEveryPage(plex: PlexProcess, concurrency: number): Promise<number> {
  const starts: number[] = [];
  for (let start = 0; start < TRACKS; start += DEFAULT_PLEX_PAGE_SIZE) starts.push(start);
  let bytes = 0;
  const worker = async (): Promise<void> => {
    for (let start = starts.shift(); start !== undefined; start = starts.shift()) {
      const url = `${plex.url}/library/sections/${plex.section}/all?type=10&includeGuids=1&X-Plex-Container-Start=${start}&X-Plex-Container-Size=${DEFAULT_PLEX_PAGE_SIZE}`;
      const response = await fetch(url, { headers: { accept: 'application/json', 'x-plex-token': plex.token } });
      bytes += (await response.text()).length;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return bytes;
}

const csvField = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  const text =
    value instanceof Date
      ? value.toISOString()
      : Array.isArray(value)
        ? `{${value.map((item) => JSON.stringify(String(item))).join(',')}}`
        : String(value);
  return /[",\n]/.test(text) || text === '' ? `"${text.replace(/"/g, '""')}"` : text;
};

/** track_cache's written columns: the generated ones (genre keys, sort keys) are PostgreSQL's to fill. */
async function writtenColumns(pool: pg.Pool): Promise<string[]> {
  const { rows } = await pool.query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns
      WHERE table_name = 'track_cache' AND is_generated = 'NEVER' ORDER BY ordinal_position`,
  );
  return rows.map((row) => row.column_name);
}

/** The rows the sync stored, as a CSV file PostgreSQL reads itself (COPY FROM a file: no client in the way). */
async function exportRows(pool: pg.Pool, file: string): Promise<void> {
  const columns = await writtenColumns(pool);
  const { rows } = await pool.query<Record<string, unknown>>(
    `SELECT ${columns.map((column) => pg.escapeIdentifier(column)).join(', ')} FROM track_cache ORDER BY rating_key`,
  );
  const lines = rows.map((row) => columns.map((column) => csvField(row[column])).join(','));
  await writeFile(file, `${lines.join('\n')}\n`);
  await chmod(file, 0o644);
}

async function copyRows(pool: pg.Pool, file: string): Promise<void> {
  const columns = (await writtenColumns(pool)).map((column) => pg.escapeIdentifier(column)).join(', ');
  await pool.query('DROP TABLE IF EXISTS bench_track_copy');
  // INCLUDING ALL copies the generated columns and their indexes: COPY pays for them as the sync does.
  await pool.query('CREATE TABLE bench_track_copy (LIKE track_cache INCLUDING ALL)');
  await pool.query(`COPY bench_track_copy (${columns}) FROM ${pg.escapeLiteral(file)} WITH (FORMAT csv)`);
}

async function main(): Promise<void> {
  const began = performance.now();
  const server = await openServer();
  const name = `linernotes_bench_${randomBytes(4).toString('hex')}`;
  await admin(server.url, `CREATE DATABASE ${name}`);
  const url = databaseUrl(server.url, name);
  const plex = await startPlexProcess();
  const pool = new pg.Pool({ connectionString: url, max: 6 });
  const csv = path.join(os.tmpdir(), `linernotes-bench-tracks-${randomBytes(4).toString('hex')}.csv`);
  let failed = false;
  try {
    await migrateDatabase(url, silentLogger());
    const config = parseConfig({ DATABASE_URL: url, PLEX_URL: plex.url, PLEX_TOKEN: plex.token }, process.cwd());
    const providers = createProviders(config.providers, { logger: silentLogger() });
    const clock = () => new Date();
    const prisma = prismaOf(pool);
    const genreRules = await ActiveGenreRules.start({ prisma, config, logger: silentLogger() });
    const deps = {
      config,
      prisma,
      pool,
      logger: silentLogger(),
      clock,
      providers,
      refresher: new EntryRefresher({ db: pool, providers, config, clock, genreRules }),
      genreRules,
      processId: 'bench',
    };
    const run = async (tier: TrackTier): Promise<number> => {
      const progress = new ProgressReporter({
        runId: 0,
        kind: `track-${tier}-refresh`,
        clock,
        sink: { publish: () => undefined, persist: async () => undefined },
      });
      const context: JobContext = {
        deps,
        progress,
        signal: new AbortController().signal,
        inFlight: new EntitiesInFlight(),
        logger: silentLogger(),
      };
      const [, elapsed] = await timed(() => syncTracks(context, tier));
      return elapsed;
    };
    const concurrency = config.providers.plex?.concurrency ?? 4;

    const firstMs = await run('static');
    const { rows } = await pool.query<{ count: number }>('SELECT count(*)::int AS count FROM track_cache');
    if (rows[0]?.count !== TRACKS) throw new Error(`the first sync stored ${rows[0]?.count} of ${TRACKS} tracks`);
    console.log(`first sync (track-static-refresh into an empty cache): ${(firstMs / 1000).toFixed(1)} s`);
    await exportRows(pool, csv);
    await fetchEveryPage(plex, concurrency);

    const plexAlone: number[] = [];
    const copy: number[] = [];
    const sync: number[] = [];
    // Alternating, so that drift in the machine's load hits every side alike.
    for (let round = 0; round < ROUNDS; round += 1) {
      plexAlone.push((await timed(() => fetchEveryPage(plex, concurrency)))[1]);
      copy.push((await timed(() => copyRows(pool, csv)))[1]);
      sync.push(await run('stats'));
    }
    const plexMs = median(plexAlone);
    const copyMs = median(copy);
    const syncMs = median(sync);
    const baseline = Math.max(plexMs, copyMs);
    const rate = TRACKS / (syncMs / 1000);
    const ratio = syncMs / baseline;
    const pass = rate >= RATE_TARGET && ratio <= RATIO_TARGET;
    failed ||= !pass;
    reportBenchResult({
      name: 'track-sync',
      workload: `track-stats-refresh of ${TRACKS.toLocaleString('en-US')} cached tracks from the Plex simulator, PLEX_CONCURRENCY ${concurrency}`,
      target: `≥ ${RATE_TARGET.toLocaleString('en-US')} tracks/s and ≤ ${RATIO_TARGET}× baseline`,
      result: `${Math.round(rate).toLocaleString('en-US')} tracks/s (${(syncMs / 1000).toFixed(2)} s) = ${ratio.toFixed(2)}×`,
      baseline: `max(Plex alone ${(plexMs / 1000).toFixed(2)} s, COPY ${(copyMs / 1000).toFixed(2)} s)`,
      pass,
    });
  } finally {
    await pool.end();
    plex.child.stdin?.end();
    await rm(csv, { force: true });
    await admin(server.url, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await server.close();
  }
  console.log(`(whole benchmark: ${((performance.now() - began) / 1000).toFixed(0)} s)`);
  if (failed) process.exitCode = 1;
}

await main();
