// What every linernotes process that does work shares: provider clients with their limiters, the
// entry refresher (single-flight), the LISTEN connection, cancel delivery, and its registration
// among the live processes, and its share of each provider's rate budget.
import pg from 'pg';
import { ActiveGenreRules } from './cache/use-cases/active-genre-rules.ts';
import { EntryRefresher } from './cache/use-cases/entry-refresher.ts';
import type { Config } from './config.ts';
import type { Database } from './db/database.ts';
import { prismaOf } from './db/prisma.ts';
import { NotificationListener } from './db/notification-listener.ts';
import { CancellationWatcher } from './jobs/engine/cancellation-watcher.ts';
import type { JobDependencies } from './jobs/engine/job-definition.ts';
import type { Logger } from './logger.ts';
import { createProviders, type Providers } from './providers/create-providers.ts';
import { followProviderPauses } from './providers/pause-sync.ts';
import { ensureSpotifyCapabilities } from './providers/capability-store.ts';
import { ProviderHealthRecorder } from './providers/health-recorder.ts';
import { systemClock, type Clock } from './types.ts';
import { ProcessRegistry } from './worker/process-registry.ts';
import { ProviderRateShare } from './worker/rate-share.ts';

export interface ProcessRuntime {
  deps: JobDependencies;
  providers: Providers;
  listener: NotificationListener;
  cancellation: CancellationWatcher;
  registry: ProcessRegistry;
  rateShare: ProviderRateShare;
  stop(): Promise<void>;
}

export async function startProcessRuntime(options: {
  config: Config;
  db: Database;
  logger: Logger;
  clock?: Clock;
  providers?: Providers;
}): Promise<ProcessRuntime> {
  const { config, db, logger } = options;
  const clock = options.clock ?? systemClock;
  const providers =
    options.providers ??
    createProviders(config.providers, {
      logger: logger.child({ component: 'providers' }),
      clock,
      contact: config.providers.contact,
    });
  const listener = new NotificationListener(db.url, logger);
  const genreRules = await ActiveGenreRules.start({ prisma: db.prisma, config, logger, listener });
  const refresher = new EntryRefresher({ db: db.pool, providers, config, clock, genreRules });
  const cancellation = new CancellationWatcher(db.prisma, listener, logger);
  await cancellation.start();
  // A provider that refused our credentials for good is paused for every process, restarts included.
  const stopFollowingPauses = await followProviderPauses({ db: db.pool, listener, providers, logger });
  // What the Spotify credentials can get (dev-mode apps may get no genres) is found out in the background:
  // from a recent finding of any process with the same credentials, else by one probe; not while paused.
  void ensureSpotifyCapabilities(db.pool, providers).catch((error: unknown) =>
    logger.warn(
      { error: error instanceof Error ? error.message : String(error) },
      'could not read or store what Spotify can provide',
    ),
  );
  // Heartbeats get a connection of their own: a pool saturated by jobs or API reads must not delay
  // them past WORKER_STALE_SECONDS, or a live process would be taken for dead.
  const heartbeatPool = new pg.Pool({ connectionString: db.url, max: 2 });
  heartbeatPool.on('error', (error) => logger.debug({ error: error.message }, 'heartbeat connection closed'));
  const heartbeatPrisma = prismaOf(heartbeatPool);
  const registry: ProcessRegistry = new ProcessRegistry({ pool: heartbeatPool, prisma: heartbeatPrisma }, logger, {
    staleAfterMs: config.workerStaleMs,
    intervalMs: Math.max(500, Math.floor(config.workerStaleMs / 6)),
    onBeat: async (): Promise<void> => {
      await rateShare.beat();
      await healthRecorder.flush();
    },
  });
  // A process stops counting as a caller of a provider once it asked for no slot for half the stale period.
  const rateShare = new ProviderRateShare({
    pool: heartbeatPool,
    listener,
    providers,
    config,
    logger,
    processId: registry.id,
    idleAfterMs: config.workerStaleMs / 2,
    staleAfterMs: config.workerStaleMs,
  });
  // This process's provider counts and states, written at every heartbeat for the installation's health view.
  const healthRecorder = new ProviderHealthRecorder({
    pool: heartbeatPool,
    providers,
    processId: registry.id,
    clock,
    logger,
  });
  await registry.start();
  await rateShare.start();
  return {
    deps: {
      config,
      prisma: db.prisma,
      pool: db.pool,
      logger,
      clock,
      providers,
      refresher,
      genreRules,
      processId: registry.id,
    },
    providers,
    listener,
    cancellation,
    registry,
    rateShare,
    stop: async () => {
      stopFollowingPauses();
      genreRules.stop();
      cancellation.stop();
      await rateShare.stop();
      // The last counts, while this process's row (which its states hang on) still exists.
      await healthRecorder.flush();
      await registry.stop();
      await heartbeatPrisma.$disconnect();
      await heartbeatPool.end();
      await listener.close();
    },
  };
}
