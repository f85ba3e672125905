// Composes a running linernotes process: database (embedded or DATABASE_URL), migrations, the
// worker and the HTTP server, and takes them down in the reverse order.
// Raw SQL for the readiness probe only: `SELECT 1` tests the connection and nothing else.
import type { Config } from './config.ts';
import { connectDatabase, type Database, locateDatabase } from './db/database.ts';
import { pendingMigrations } from './db/migrator.ts';
import { prepareDatabase } from './db/prepare-database.ts';
import type { Logger } from './logger.ts';
import type { HttpServerHandle } from './server/http-server.ts';
import { startWorker, type WorkerHandle } from './worker/runner.ts';
import { type ProcessRuntime, startProcessRuntime } from './process-runtime.ts';
import { createTaskList } from './worker/task-list.ts';

export interface ServiceOptions {
  config: Config;
  logger: Logger;
  /** Run graphile-worker in this process. */
  worker: boolean;
  /** Serve the GraphQL API. */
  api: boolean;
}

export interface Service {
  db: Database;
  runtime: ProcessRuntime;
  http?: HttpServerHandle;
  worker?: WorkerHandle;
  stop(): Promise<void>;
}

export async function startService(options: ServiceOptions): Promise<Service> {
  const { config, logger } = options;
  const location = await locateDatabase(config, logger);
  const cleanups: Array<() => Promise<void>> = [];
  if (location.embedded) cleanups.push(location.embedded.stop);

  const stop = async (): Promise<void> => {
    // Reverse order of start; every step runs even if an earlier one fails.
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup().catch((error: unknown) => logger.error({ err: error }, 'error during shutdown'));
    }
  };

  try {
    await prepareDatabase(location.url, logger);
    const db = connectDatabase(location.url, logger);
    cleanups.push(db.close);

    const runtime = await startProcessRuntime({ config, db, logger });
    cleanups.push(runtime.stop);

    let worker: WorkerHandle | undefined;
    if (options.worker) {
      worker = await startWorker({
        config,
        databaseUrl: location.url,
        logger,
        taskList: createTaskList({
          deps: runtime.deps,
          cancellation: runtime.cancellation,
          workersRecorded: () => runtime.registry.workersRecorded(),
        }),
        onWorkerCreated: (workerId) => runtime.registry.addGraphileWorker(workerId),
        onWorkerReplaced: (workerId) => runtime.registry.releaseReplacedWorker(workerId),
      });
      cleanups.push(worker.stop);
    }

    let http: HttpServerHandle | undefined;
    if (options.api) {
      // Imported here: a worker-only process never builds the schema.
      const { startApi } = await import('./server/start-api.ts');
      const api = await startApi({
        config,
        db,
        logger,
        runtime,
        readiness: async () => {
          const database = await db.pool.query('SELECT 1').then(
            () => true,
            () => false,
          );
          const pending = database ? await pendingMigrations(db.pool) : [];
          const checks: Record<string, boolean | string> = {
            database,
            migrations: database && pending.length === 0,
          };
          if (worker) checks.worker = worker.isRunning();
          return { ready: Object.values(checks).every((value) => value === true), checks };
        },
      });
      http = api.http;
      cleanups.push(api.stop);
    }
    return { db, runtime, http, worker, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
