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
