// The API side of a process: the run-event bus on the process's LISTEN connection, the usage tracker,
// yoga and the HTTP server. Loaded only by processes that serve the API (`linernotes worker` never
// pays for building the schema).
import { UsageTracker } from '../cache/use-cases/usage/usage-tracker.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import { startEntryChangeSignal } from '../graphql/entry-change-signal.ts';
import { startRunEventBus } from '../graphql/pubsub.ts';
import { createGraphQLHandler } from '../graphql/yoga.ts';
import type { Logger } from '../logger.ts';
import type { ProcessRuntime } from '../process-runtime.ts';
import { type HttpServerHandle, type ReadinessCheck, startHttpServer } from './http-server.ts';

export interface ApiHandle {
  http: HttpServerHandle;
  usage: UsageTracker;
  /** Stops accepting requests, writes the recorded usage, leaves the LISTEN channel. */
  stop(): Promise<void>;
}

export async function startApi(options: {
  config: Config;
  db: Database;
  logger: Logger;
  runtime: Pick<ProcessRuntime, 'deps' | 'listener'>;
  readiness: ReadinessCheck;
  host?: string;
  port?: number;
  /** Tests: replaces the loopback check of mutations without API_TOKEN. */
  isLoopback?: (address: string | undefined) => boolean;
  progressRecheckMs?: number;
}): Promise<ApiHandle> {
  const { config, db, logger, runtime } = options;
  // Run events of every process reach this API's subscribers through the shared LISTEN connection.
  const bus = await startRunEventBus({ listener: runtime.listener, db: db.pool, logger });
  // Entry changes of every process wake this API's change feed followers, on the same connection.
  const entryChanges = await startEntryChangeSignal(runtime.listener);
  // Reads of entries: last_used_at/use_count written in batches, and the API's hit rate.
  const usage = new UsageTracker({
    db: db.pool,
    clock: runtime.deps.clock,
    onFlushError: (error) => logger.warn({ err: error }, 'could not record entry usage; will retry'),
  });
  usage.start();
  const yoga = createGraphQLHandler({
    config,
    db,
    logger,
    deps: runtime.deps,
    pubsub: bus.pubsub,
    entryChanges,
    usage,
    isLoopback: options.isLoopback,
    progressRecheckMs: options.progressRecheckMs,
  });
  let http: HttpServerHandle;
  try {
    http = await startHttpServer({
      yoga,
      host: options.host ?? config.host,
      port: options.port ?? config.port,
      logger,
      readiness: options.readiness,
    });
  } catch (error) {
    await usage.stop().catch(() => undefined);
    bus.stop();
    entryChanges.stop();
    throw error;
  }
  return {
    http,
    usage,
    stop: async () => {
      try {
        await http.close();
      } finally {
        await usage
          .stop()
          .catch((error: unknown) => logger.warn({ err: error }, 'could not write the last usage records'));
        bus.stop();
        entryChanges.stop();
      }
    },
  };
}
