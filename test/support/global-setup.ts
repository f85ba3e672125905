// One PostgreSQL per test run: the server in TEST_DATABASE_URL, or an embedded one in a temporary
// folder. A template database is migrated once (ours and graphile-worker's schema); each test file
// clones its own database from it (test/support/database.ts), so files run in parallel.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runMigrations } from 'graphile-worker';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { databaseUrl, startEmbeddedPostgres } from '../../src/db/embedded-postgres.ts';
import { migrateDatabase } from '../../src/db/migrator.ts';
import { silentLogger } from '../../src/logger.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseServerUrl: string;
    templateDatabase: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const logger = silentLogger();
  let serverUrl = process.env.TEST_DATABASE_URL;
  let stopServer = async (): Promise<void> => undefined;
  if (!serverUrl) {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'linernotes-test-'));
    const embedded = await startEmbeddedPostgres(dataDir, logger);
    serverUrl = embedded.serverUrl;
    stopServer = async () => {
      await embedded.stop();
      await rm(dataDir, { recursive: true, force: true });
    };
  }

  const templateDatabase = `linernotes_template_${process.pid}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${templateDatabase}`);
  await admin.query(`CREATE DATABASE ${templateDatabase}`);
  await admin.end();

  const templateUrl = databaseUrl(serverUrl, templateDatabase);
  await migrateDatabase(templateUrl, logger);
  await runMigrations({ connectionString: templateUrl, logger: undefined });

  project.provide('databaseServerUrl', serverUrl);
  project.provide('templateDatabase', templateDatabase);

  return async () => {
    const cleanup = new pg.Client({ connectionString: serverUrl });
    await cleanup.connect();
    const { rows } = await cleanup.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE $2`,
      [templateDatabase, `${templateDatabase}_f%`],
    );
    for (const row of rows)
      await cleanup.query(`DROP DATABASE IF EXISTS ${cleanup.escapeIdentifier(row.datname)} WITH (FORCE)`);
    await cleanup.end();
    await stopServer();
  };
}
