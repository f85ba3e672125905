import { Logger as GraphileLogger, type LogLevel } from 'graphile-worker';
import { INTERRUPTED_BY_SHUTDOWN } from '../jobs/dependencies.ts';
import { INTERRUPTED_BY_DATABASE } from '../jobs/run-task.ts';
import type { Logger } from '../logger.ts';

/** graphile-worker's log calls routed into our pino logger. */
export function graphileLogger(logger: Logger): GraphileLogger {
  return new GraphileLogger((scope) => {
    const child = logger.child({ component: 'worker', ...scope });
    return (level: LogLevel, message: string, meta?: unknown) => {
      const fields = meta && typeof meta === 'object' ? meta : {};
      // A run interrupted by a shutdown is requeued on purpose (src/jobs/run-task.ts): not an error.
      if (level === 'error' && message.includes(INTERRUPTED_BY_SHUTDOWN)) child.info(message.split('\n')[0] ?? message);
      // A run that lost the database is retried on purpose too; a warning, without the stack.
      else if (level === 'error' && message.includes(INTERRUPTED_BY_DATABASE))
        child.warn(message.split('\n')[0] ?? message);
      else if (level === 'error') child.error(fields, message);
      else if (level === 'warning') child.warn(fields, message);
      else if (level === 'info') child.info(fields, message);
      else child.debug(fields, message);
    };
  });
}
