import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actualShape, expectedShape, schemaDifferences } from './support/schema-drift.ts';
import { openTestDatabase } from './support/database.ts';

const SCHEMA = fileURLToPath(new URL('../prisma/schema.prisma', import.meta.url));

describe('schema.prisma and the migrated database', () => {
  let db: Awaited<ReturnType<typeof openTestDatabase>>;
  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterAll(async () => {
    await db.close();
  });

  it('agree on every table, column, type, nullability, enum and index', async () => {
    const differences = schemaDifferences(await expectedShape(SCHEMA), await actualShape(db.pool));
    expect(differences).toEqual([]);
  });

  it('reports a database that drifted from the schema', async () => {
    await db.pool.query(`
      ALTER TABLE artist_cache ALTER COLUMN name DROP NOT NULL;
      DROP INDEX artist_cache_source_idx;
      ALTER TABLE job_runs ADD COLUMN stray integer;
      ALTER TABLE album_cache ALTER COLUMN use_count TYPE bigint;`);
    const differences = schemaDifferences(await expectedShape(SCHEMA), await actualShape(db.pool));
    expect(differences.sort()).toEqual(
      [
        'column album_cache.use_count: schema.prisma says integer, database has bigint',
        'column artist_cache.name: schema.prisma says NOT NULL, database has nullable',
        'column job_runs.stray is in the database but not in schema.prisma',
        'index artist_cache_source_idx is in schema.prisma but not in the database',
      ].sort(),
    );
  });
});
