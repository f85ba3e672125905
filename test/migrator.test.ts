import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { migrateDatabase, readLocalMigrations } from '../src/db/migrator.ts';
import { silentLogger } from '../src/logger.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';

describe('migrator', () => {
  let empty: TestDatabase;
  beforeAll(async () => {
    // An empty database (not cloned from the migrated template): create it then drop our schema.
    empty = await createTestDatabase();
    const client = new pg.Client({ connectionString: empty.url });
    await client.connect();
    await client.query(
      'DROP SCHEMA public CASCADE; CREATE SCHEMA public; DROP SCHEMA IF EXISTS graphile_worker CASCADE',
    );
    await client.end();
  });
  afterAll(async () => {
    await empty.drop();
  });

  it('applies every migration once when several processes migrate at the same moment', async () => {
    const local = await readLocalMigrations();
    const results = await Promise.all(Array.from({ length: 5 }, () => migrateDatabase(empty.url, silentLogger())));
    const appliedNames = results.flatMap((result) => result.applied);
    expect(appliedNames.sort()).toEqual(local.map((migration) => migration.name).sort());

    const client = new pg.Client({ connectionString: empty.url });
    await client.connect();
    const { rows } = await client.query<{ migration_name: string; checksum: string; applied_steps_count: number }>(
      'SELECT migration_name, checksum, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name',
    );
    await client.end();
    expect(rows).toEqual(
      local.map((migration) => ({
        migration_name: migration.name,
        checksum: migration.checksum,
        applied_steps_count: 1,
      })),
    );
  });

  it('is a no-op on an up-to-date database', async () => {
    const result = await migrateDatabase(empty.url, silentLogger());
    expect(result.applied).toEqual([]);
    expect(result.alreadyApplied).toBeGreaterThan(0);
  });
});
