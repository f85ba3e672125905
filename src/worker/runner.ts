// graphile-worker inside this process: the task list from tasks/ and the crontab from the settings.
import { EventEmitter } from 'node:events';
import { run, type Runner, type TaskList, type WorkerEvents } from 'graphile-worker';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { buildCronItems } from './crontab.ts';
import { graphileLogger } from './graphile-logger.ts';

export interface WorkerHandle {
  runner: Runner;
  isRunning(): boolean;
  stop(): Promise<void>;
}

export async function startWorker(options: {
  config: Config;
  databaseUrl: string;
  logger: Logger;
  taskList: TaskList;
  /** Called with each graphile-worker worker id, so a process that dies can have its jobs unlocked. */
  onWorkerCreated?: (workerId: string) => void;
}): Promise<WorkerHandle> {
  const { config, databaseUrl, logger, taskList } = options;
  const events: WorkerEvents = new EventEmitter();
  // graphile-worker 0.17 locks jobs in the name of the pool (`locked_by = pool-…`), older versions per worker.
  events.on('pool:create', ({ workerPool }) => options.onWorkerCreated?.(workerPool.id));
  events.on('worker:create', ({ worker }) => options.onWorkerCreated?.(worker.workerId));
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
    logger: graphileLogger(logger),
  });
  let running = true;
  runner.promise.then(
    () => {
      running = false;
    },
    (error: unknown) => {
      running = false;
      logger.error({ err: error }, 'the worker stopped with an error');
    },
  );
  return {
    runner,
    isRunning: () => running,
    stop: async () => {
      if (!running) return;
      await runner.stop();
      running = false;
    },
  };
}
