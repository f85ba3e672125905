import type { Logger } from './logger.ts';

const SHUTDOWN_TIMEOUT_MS = 30_000;
// Ctrl-C under `npm start` delivers SIGINT twice (from the terminal and forwarded by npm); a repeat
// this soon is the same keypress, not a request to exit at once.
const REPEAT_WINDOW_MS = 1_000;

/**
 * First SIGINT/SIGTERM: stop gracefully (requests and running jobs finish), then exit 0; if that
 * takes longer than 30 s, exit 1. A second signal exits at once.
 */
export function exitOnSignals(stop: () => Promise<void>, logger: Logger): void {
  let stoppingSince: number | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stoppingSince !== undefined) {
      if (Date.now() - stoppingSince < REPEAT_WINDOW_MS) return;
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(130);
    }
    stoppingSince = Date.now();
    logger.info({ signal }, 'shutting down (send the signal again to exit at once)');
    const timer = setTimeout(() => {
      logger.error('shutdown took longer than 30 s; exiting');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    stop().then(
      () => {
        clearTimeout(timer);
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'error while shutting down');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

let guarded = false;

/**
 * A promise rejected with nobody listening would end the process (Node's default since v15); a
 * library doing that during a database outage (graphile-worker's job bookkeeping, a pool client's
 * query) must not take down an API or a worker that recovers by itself a moment later. It is logged
 * (the message only: an error object may hold a connection and its settings) and the process goes on.
 */
export function survivePromiseRejections(logger: Logger): void {
  if (guarded) return;
  guarded = true;
  process.on('unhandledRejection', (reason: unknown) => {
    const message = reason instanceof Error ? reason.message : String(reason);
    logger.error(
      { error: message, name: reason instanceof Error ? reason.name : typeof reason },
      'unhandled promise rejection; the process goes on',
    );
  });
}
