// A run through the queue (the API's door): checked like every door's, then its row and its
// graphile-worker job in one transaction, then announced. A scheduled warm's follow-up is queued in
// the transaction that ends the warm instead (finishAndQueueFollowUp).
import type pg from 'pg';
import type { Config } from '../../config.ts';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import type { Logger } from '../../logger.ts';
import type { Clock, JobTrigger } from '../../types.ts';
import type { JobDefinition } from './job-definition.ts';
import { prepareRun } from './readiness.ts';
import { announceRun } from './runs/finish-run.ts';
import { type StartRunResult, startQueuedRun } from './runs/start-run.ts';

export interface QueueDependencies {
  prisma: PrismaClient;
  pool: pg.Pool;
  config: Config;
  clock: Clock;
  logger: Logger;
}

/**
 * Queues a run of the job, or returns the active run of its kind. Throws JobNotConfiguredError or
 * the options' ZodError before anything is written.
 */
export async function queueRun<Options>(
  deps: QueueDependencies,
  job: JobDefinition<Options>,
  rawOptions: unknown,
  trigger: JobTrigger,
): Promise<StartRunResult> {
  const options = prepareRun(job, rawOptions, deps.config);
  // Zod's output of a JSON-shaped input is an object of JSON values.
  const started = await startQueuedRun(deps.prisma, {
    kind: job.kind,
    trigger,
    options: options as Record<string, unknown>,
  });
  // The worker's events start when it claims the run; this one tells subscribers it is queued.
  if (started.created) await announceRun(deps, started.run, deps.clock());
  return started;
}
