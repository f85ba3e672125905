// The PostgreSQL server and databases of a benchmark. `npm run bench` starts one embedded server for the
// whole run and hands it to every benchmark in TEST_DATABASE_URL, so that the large seeded database is
// built once per run and shared rather than seeded again per benchmark.
// A benchmark run on its own starts its own server in a temporary folder.
import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { databaseUrl, startEmbeddedPostgres } from '../../src/db/embedded-postgres.ts';
import { migrateDatabase, readLocalMigrations } from '../../src/db/migrator.ts';
import { silentLogger } from '../../src/logger.ts';
import { SEED, SEED_VERSION, seedLargeLibrary, type SeedSummary } from './seed.ts';

export interface BenchServer {
  url: string;
  close(): Promise<void>;
}

export async function openServer(): Promise<BenchServer> {
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

export async function admin<T extends pg.QueryResultRow = pg.QueryResultRow>(
  serverUrl: string,
  sql: string,
): Promise<T[]> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

export interface BenchDatabase {
  url: string;
  /** Drops the database (and stops the server when this benchmark started it). */
  close(): Promise<void>;
}

/** An empty, migrated database on a server of its own or the run's. */
export async function openEmptyDatabase(): Promise<BenchDatabase> {
  const server = await openServer();
  const name = `linernotes_bench_${randomBytes(4).toString('hex')}`;
  await admin(server.url, `CREATE DATABASE ${name}`);
  const url = databaseUrl(server.url, name);
  await migrateDatabase(url, silentLogger());
  return { url, close: () => dropAndClose(server, name) };
}

async function dropAndClose(server: BenchServer, name: string): Promise<void> {
  try {
    await admin(server.url, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await server.close();
  }
}

/** The seeded database's name changes with the migrations and the seed, so a stale one is never used. */
async function seededName(): Promise<string> {
  const migrations = await readLocalMigrations();
  const hash = createHash('sha256');
  for (const migration of migrations) hash.update(migration.name).update(migration.sql);
  hash.update(SEED_VERSION);
  return `linernotes_bench_seed_${hash.digest('hex').slice(0, 12)}`;
}

/**
 * The large seeded library (1,000,000 artists, 300,000 albums, 500,000 tracks), seeded on this server the
 * first time a benchmark asks for it and shared by the later ones. Benchmarks that use it read (a read
 * stamps last_used_at, nothing more) or undo what they write; copying a database this size per
 * benchmark would cost more than most benchmarks take.
 */
export async function openSeededDatabase(): Promise<BenchDatabase & { seed: SeedSummary }> {
  const server = await openServer();
  const name = await seededName();
  const existing = await admin<{ datname: string }>(
    server.url,
    `SELECT datname FROM pg_database WHERE datname = '${name}'`,
  );
  if (existing.length === 0) {
    const building = `${name}_building`;
    await admin(server.url, `DROP DATABASE IF EXISTS ${building} WITH (FORCE)`);
    await admin(server.url, `CREATE DATABASE ${building}`);
    const url = databaseUrl(server.url, building);
    await migrateDatabase(url, silentLogger());
    const started = performance.now();
    await seedLargeLibrary(url);
    console.log(`seeded the shared library database in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    // Renamed only once complete, so an interrupted seed is never mistaken for a seeded database.
    await admin(server.url, `ALTER DATABASE ${building} RENAME TO ${name}`);
  }
  return { url: databaseUrl(server.url, name), close: () => server.close(), seed: SEED };
}
