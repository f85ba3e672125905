import { Logger as GraphileLogger, type LogLevel } from 'graphile-worker';
import type { Logger } from '../logger.ts';

/** graphile-worker's log calls routed into our pino logger. */
export function graphileLogger(logger: Logger): GraphileLogger {
  return new GraphileLogger((scope) => {
    const child = logger.child({ component: 'worker', ...scope });
    return (level: LogLevel, message: string, meta?: unknown) => {
      const fields = meta && typeof meta === 'object' ? meta : {};
      if (level === 'error') child.error(fields, message);
      else if (level === 'warning') child.warn(fields, message);
      else if (level === 'info') child.info(fields, message);
      else child.debug(fields, message);
    };
  });
}
