// Resolves which PostgreSQL to use (DATABASE_URL, or an embedded server under DATA_DIR), brings its
// schema up to date, and owns the connection pool that Prisma and our raw SQL share.
import pg from 'pg';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { databaseUrl, type EmbeddedDatabase, startEmbeddedPostgres } from './embedded-postgres.ts';
import { type PrismaClient, prismaOf } from './prisma.ts';

const EMBEDDED_DATABASE_NAME = 'linernotes';

export interface DatabaseLocation {
  url: string;
  /** Present when this process runs on the embedded server; stop it last. */
  embedded?: EmbeddedDatabase;
}

export interface Database {
  url: string;
  pool: pg.Pool;
  prisma: PrismaClient;
  close(): Promise<void>;
}

async function ensureDatabaseExists(serverUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`).catch((error: { code?: string }) => {
        // Two processes may both see it missing; the loser's duplicate_database is fine.
        if (error.code !== '42P04') throw error;
      });
    }
  } finally {
    await client.end();
  }
}

export async function locateDatabase(config: Config, logger: Logger): Promise<DatabaseLocation> {
  if (config.databaseUrl) return { url: config.databaseUrl };
  const embedded = await startEmbeddedPostgres(config.dataDir, logger);
  try {
    await ensureDatabaseExists(embedded.serverUrl, EMBEDDED_DATABASE_NAME);
  } catch (error) {
    await embedded.stop();
    throw error;
  }
  return { url: databaseUrl(embedded.serverUrl, EMBEDDED_DATABASE_NAME), embedded };
}

export function connectDatabase(url: string, logger: Logger, maxConnections = 10): Database {
  const pool = new pg.Pool({ connectionString: url, max: maxConnections });
  // An idle client losing its connection must not crash the process; the next query reconnects. The
  // error object holds the whole client, so only its message is logged. 57P01 is the server shutting
  // down, which is expected while linernotes itself stops the embedded PostgreSQL.
  pool.on('error', (error: Error & { code?: string }) => {
    if (error.code === '57P01') logger.debug({ error: error.message }, 'idle database connection closed by the server');
    else logger.warn({ error: error.message }, 'idle database connection lost');
  });
  const prisma = prismaOf(pool);
  return {
    url,
    pool,
    prisma,
    close: async () => {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}
