import { Writable } from 'node:stream';
import pino from 'pino';
import { expect, it } from 'vitest';
import { graphileLogger } from '../src/db/graphile-logger.ts';

/** A real pino logger writing JSON lines into memory. */
function capturingLogger(): { logger: pino.Logger; lines: () => Array<{ level: number; msg: string }> } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const logger = pino({ level: 'debug' }, stream);
  return {
    logger,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line.length > 0)
        .map((line) => JSON.parse(line)),
  };
}

it("routes graphile-worker's levels to pino and lowers only the expected errors, first line only", () => {
  const { logger, lines } = capturingLogger();
  const graphile = graphileLogger(logger, [
    { marker: 'stopped on purpose', level: 'info' },
    { marker: 'database went away', level: 'warn' },
  ]).scope({ label: 'job' });

  graphile.error('Failed task 7: stopped on purpose\n    at stack line');
  graphile.error('Failed task 8: database went away\n    at stack line');
  graphile.error('Failed task 9: a real bug\n    at stack line', { attempt: 1 });
  graphile.warn('slow poll');
  graphile.info('connected');
  graphile.debug('tick');

  expect(lines().map(({ level, msg }) => ({ level, msg }))).toEqual([
    { level: 30, msg: 'Failed task 7: stopped on purpose' },
    { level: 40, msg: 'Failed task 8: database went away' },
    { level: 50, msg: 'Failed task 9: a real bug\n    at stack line' },
    { level: 40, msg: 'slow poll' },
    { level: 30, msg: 'connected' },
    { level: 20, msg: 'tick' },
  ]);
  expect(lines()[2]).toMatchObject({ component: 'worker', label: 'job', attempt: 1 });
});

it('reports every error as an error when no error is expected', () => {
  const { logger, lines } = capturingLogger();
  graphileLogger(logger).error('Failed task 7: stopped on purpose');
  expect(lines().map(({ level }) => level)).toEqual([50]);
});
