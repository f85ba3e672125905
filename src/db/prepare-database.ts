// Brings a database up to date: our migrations, then graphile-worker's schema (which it migrates
// under its own lock). Every door needs both: the API queues jobs with graphile_worker.add_job even
// in a process that runs no worker.
import { runMigrations } from 'graphile-worker';
import type { Logger } from '../logger.ts';
import { graphileLogger } from './graphile-logger.ts';
import { migrateDatabase, type MigrationResult } from './migrator.ts';

export async function prepareDatabase(connectionString: string, logger: Logger): Promise<MigrationResult> {
  const result = await migrateDatabase(connectionString, logger);
  await runMigrations({ connectionString, logger: graphileLogger(logger) });
  return result;
}
