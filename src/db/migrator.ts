// Applies prisma/migrations/*/migration.sql ourselves: the Prisma CLI needs a native schema engine
// that is downloaded from Prisma's binary host, which machines without that network access cannot reach. The bookkeeping table has
// Prisma's own columns and checksums, so `prisma migrate deploy` run elsewhere agrees with us.
// Raw SQL throughout: migrations are SQL files, and the bookkeeping runs before the tables Prisma models exist.
import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { Logger } from '../logger.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('../../prisma/migrations', import.meta.url));

// Any constant works; it only has to be the same for every linernotes process.
const MIGRATION_LOCK_KEY = 7_212_310_471;

// Prisma's DDL for its bookkeeping table (schema-engine, postgres flavour).
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export interface LocalMigration {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrationResult {
  applied: string[];
  alreadyApplied: number;
}

class MigrationError extends Error {
  override name = 'MigrationError';
}

export async function readLocalMigrations(dir: string = MIGRATIONS_DIR): Promise<LocalMigration[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return await Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

/**
 * Brings the database up to the newest migration. Processes starting together serialise on an
 * advisory lock; the second one finds everything applied and returns. Each migration runs in its own
 * transaction together with its bookkeeping row, so a failure leaves nothing half-applied.
 */
export async function migrateDatabase(
  connectionString: string,
  logger: Logger,
  dir: string = MIGRATIONS_DIR,
): Promise<MigrationResult> {
  const migrations = await readLocalMigrations(dir);
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await client.query(CREATE_MIGRATIONS_TABLE);
      const { rows } = await client.query<AppliedRow>(
        'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"',
      );
      const failed = rows.find((row) => row.finished_at === null && row.rolled_back_at === null);
      if (failed) {
        throw new MigrationError(
          `migration ${failed.migration_name} failed earlier and was not resolved; fix the database, then mark it rolled back (prisma migrate resolve)`,
        );
      }
      const applied = new Map(
        rows
          .filter((row) => row.finished_at !== null && row.rolled_back_at === null)
          .map((row) => [row.migration_name, row]),
      );
      const appliedNow: string[] = [];
      for (const migration of migrations) {
        const existing = applied.get(migration.name);
        if (existing) {
          if (existing.checksum !== migration.checksum) {
            logger.warn({ migration: migration.name }, 'an applied migration was edited after it was applied');
          }
          continue;
        }
        await applyMigration(client, migration);
        logger.info({ migration: migration.name }, 'migration applied');
        appliedNow.push(migration.name);
      }
      return { applied: appliedNow, alreadyApplied: applied.size };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await client.end();
  }
}

async function applyMigration(client: pg.Client, migration: LocalMigration): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query(migration.sql);
    await client.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
       VALUES ($1, $2, $3, now(), now(), 1)`,
      [randomUUID(), migration.checksum, migration.name],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw new MigrationError(`migration ${migration.name} failed: ${(error as Error).message}`, { cause: error });
  }
}

/** Names of local migrations that the database has not applied (empty when up to date). */
export async function pendingMigrations(pool: pg.Pool, dir: string = MIGRATIONS_DIR): Promise<string[]> {
  const migrations = await readLocalMigrations(dir);
  const exists = await pool.query<{ present: boolean }>(
    `SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS present`,
  );
  if (!exists.rows[0]?.present) return migrations.map((migration) => migration.name);
  const { rows } = await pool.query<{ migration_name: string }>(
    'SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
  );
  const applied = new Set(rows.map((row) => row.migration_name));
  return migrations.filter((migration) => !applied.has(migration.name)).map((migration) => migration.name);
}
