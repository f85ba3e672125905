import { Logger as GraphileLogger, type LogLevel } from 'graphile-worker';
import type { Logger } from '../logger.ts';

/**
 * An error graphile-worker reports that is expected, not a fault: logged at a lower level, first line
 * only (the stack says nothing useful about a planned interruption).
 */
export interface ExpectedError {
  /** Text the reported message contains. */
  marker: string;
  level: 'info' | 'warn';
}

/** graphile-worker's log calls routed into our pino logger. */
export function graphileLogger(logger: Logger, expectedErrors: readonly ExpectedError[] = []): GraphileLogger {
  return new GraphileLogger((scope) => {
    const child = logger.child({ component: 'worker', ...scope });
    return (level: LogLevel, message: string, meta?: unknown) => {
      const fields = meta && typeof meta === 'object' ? meta : {};
      const expected =
        level === 'error' ? expectedErrors.find((candidate) => message.includes(candidate.marker)) : undefined;
      if (expected !== undefined) child[expected.level](message.split('\n')[0] ?? message);
      else if (level === 'error') child.error(fields, message);
      else if (level === 'warning') child.warn(fields, message);
      else if (level === 'info') child.info(fields, message);
      else child.debug(fields, message);
    };
  });
}
