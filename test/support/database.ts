// A fresh database per test file, cloned from the migrated template made by global-setup.ts.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { connectDatabase, type Database } from '../../src/db/database.ts';
import { databaseUrl } from '../../src/db/embedded-postgres.ts';
import { silentLogger } from '../../src/logger.ts';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: inject('databaseServerUrl') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Creates an empty, migrated database; `drop()` removes it even if connections are left open. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const template = inject('templateDatabase');
  const name = `${template}_f${randomBytes(5).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  return {
    name,
    url: databaseUrl(inject('databaseServerUrl'), name),
    drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/** A test database with a connected pool and Prisma client. */
export async function openTestDatabase(): Promise<Database & { testDatabase: TestDatabase }> {
  const testDatabase = await createTestDatabase();
  const database = connectDatabase(testDatabase.url, silentLogger());
  return {
    ...database,
    testDatabase,
    close: async () => {
      await database.close();
      await testDatabase.drop();
    },
  };
}
