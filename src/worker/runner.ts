// graphile-worker inside this process: the task list (task-list.ts) and the crontab from the settings,
// kept running through database outages.
import { EventEmitter } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { run, type Runner, type TaskList, type WorkerEvents } from 'graphile-worker';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { type ExpectedError, graphileLogger } from '../db/graphile-logger.ts';
import { INTERRUPTED_BY_DATABASE, INTERRUPTED_BY_SHUTDOWN } from '../jobs/engine/checkpoint.ts';
import { buildCronItems } from './crontab.ts';

export interface WorkerHandle {
  isRunning(): boolean;
  /** How many times graphile-worker was started again after it stopped on its own (a lost database). */
  restarts(): number;
  stop(): Promise<void>;
}

// A run interrupted by a shutdown is requeued on purpose (src/jobs/run-task.ts): not an error. One that
// lost the database is retried on purpose too: a warning.
const EXPECTED_RUN_ERRORS: readonly ExpectedError[] = [
  { marker: INTERRUPTED_BY_SHUTDOWN, level: 'info' },
  { marker: INTERRUPTED_BY_DATABASE, level: 'warn' },
];

const FIRST_RESTART_DELAY_MS = 500;
const MAX_RESTART_DELAY_MS = 30_000;

export async function startWorker(options: {
  config: Config;
  databaseUrl: string;
  logger: Logger;
  taskList: TaskList;
  /** Called with each graphile-worker pool id, so a process that dies can have its jobs unlocked. */
  onWorkerCreated?: (workerId: string) => void;
  /**
   * Called before a replacement is started, with the id of the pool that stopped: the jobs it still
   * holds are locked in its name and must be released (src/worker/process-registry.ts).
   */
  onWorkerReplaced?: (workerId: string) => Promise<void>;
}): Promise<WorkerHandle> {
  const { config, databaseUrl, logger, taskList } = options;
  const log = logger.child({ component: 'worker' });
  let stopping = false;
  let running = false;
  let restarts = 0;
  let current: { runner: Runner; poolIds: string[] } | undefined;
  const stopController = new AbortController();

  const startRunner = async (): Promise<{ runner: Runner; poolIds: string[] }> => {
    const events: WorkerEvents = new EventEmitter();
    const poolIds: string[] = [];
    // graphile-worker 0.17 locks jobs in the name of the pool (`locked_by = pool-…`).
    events.on('pool:create', ({ workerPool }) => {
      poolIds.push(workerPool.id);
      options.onWorkerCreated?.(workerPool.id);
    });
    const runner = await run({
      events,
      // Its own pool: graphile-worker holds a LISTEN connection and sizes the pool to its concurrency.
      connectionString: databaseUrl,
      maxPoolSize: config.concurrency.worker + 2,
      concurrency: config.concurrency.worker,
      // We own SIGINT/SIGTERM (src/lifecycle.ts) and stop the runner ourselves, after the HTTP server.
      noHandleSignals: true,
      taskList,
      parsedCronItems: buildCronItems(config, new Set(Object.keys(taskList))),
      logger: graphileLogger(logger, EXPECTED_RUN_ERRORS),
      preset: {
        worker: {
          // With these at -1 (the default) graphile-worker 0.17 calls completeJob/failJob without awaiting
          // them: a database that is down while a job ends is an unhandled rejection that ends the
          // process. Through its batcher (delay 0: no batching in effect) a failure is handled instead:
          // the pool stops with an error, and the loop below starts a new one once the database is back.
          completeJobBatchDelay: 0,
          failJobBatchDelay: 0,
        },
      },
    });
    return { runner, poolIds };
  };

  // Restarts graphile-worker whenever it stops without being asked to, backing off while it cannot start.
  const supervise = async (first: { runner: Runner; poolIds: string[] }): Promise<void> => {
    let instance = first;
    for (;;) {
      current = instance;
      running = true;
      try {
        await instance.runner.promise;
        if (stopping) return;
        log.warn('graphile-worker stopped by itself; starting it again');
      } catch (error) {
        if (stopping) return;
        log.error({ error: (error as Error).message }, 'graphile-worker stopped with an error; starting it again');
      }
      running = false;
      let pause = FIRST_RESTART_DELAY_MS;
      for (;;) {
        try {
          await delay(pause, undefined, { signal: stopController.signal });
        } catch {
          return; // stopping
        }
        try {
          for (const poolId of instance.poolIds) await options.onWorkerReplaced?.(poolId);
          instance = await startRunner();
          restarts += 1;
          log.info({ restarts }, 'graphile-worker running again');
          break;
        } catch (error) {
          log.warn({ error: (error as Error).message, retryInMs: pause }, 'could not start graphile-worker yet');
          pause = Math.min(MAX_RESTART_DELAY_MS, pause * 2);
        }
      }
    }
  };

  const supervision = supervise(await startRunner());
  return {
    isRunning: () => running,
    restarts: () => restarts,
    stop: async () => {
      if (stopping) return;
      stopping = true;
      stopController.abort();
      if (current && running)
        await current.runner
          .stop()
          .catch((error: unknown) => log.warn({ error: (error as Error).message }, 'error stopping graphile-worker'));
      running = false;
      await supervision;
    },
  };
}
