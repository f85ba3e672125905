// The graphile-worker side of a run: claims the run a mutation queued (or creates the row of a
// scheduled occurrence), then executes it. tasks/ holds one such task per job kind.
import type { Task } from 'graphile-worker';
import { z } from 'zod';
import type { CancellationWatcher } from './cancellation-watcher.ts';
import { INTERRUPTED_BY_SHUTDOWN, type JobDefinition, type JobDependencies } from './dependencies.ts';
import { executeRun } from './execute-run.ts';
import { eventFromRun, publishRunEvent } from './run-events.ts';
import { claimRun } from './runs/claim-run.ts';
import { finishRunWith } from './runs/finish-run.ts';
import { startImmediateRun, startQueuedRun } from './runs/start-run.ts';
import type { JobKind } from '../types.ts';

export interface WorkerRuntime {
  deps: JobDependencies;
  cancellation: CancellationWatcher;
}

const payloadSchema = z.union([
  z.object({ runId: z.number().int().positive() }),
  z.object({ trigger: z.literal('schedule') }),
]);

export function createRunTask<Options>(
  job: JobDefinition<Options>,
  runtime: WorkerRuntime,
  /** A kind queued after a scheduled run of this one succeeds (the weekly warm: artists, then albums). */
  scheduledFollowUp?: JobKind,
): Task {
  return async (payload, helpers) => {
    const { deps } = runtime;
    const parsed = payloadSchema.safeParse(payload);
    if (!parsed.success) {
      helpers.logger.error(`ignoring a ${job.kind} job with an unexpected payload`);
      return;
    }
    const attempt = helpers.job.attempts;
    const workerJobId = String(helpers.job.id);
    let run;
    if ('runId' in parsed.data) {
      run = await claimRun(deps.pool, parsed.data.runId, attempt, workerJobId, deps.processId);
      if (!run) return; // cancelled or finished before this attempt began
    } else {
      const started = await startImmediateRun(deps.pool, {
        kind: job.kind,
        trigger: 'schedule',
        options: {},
        workerJobId,
        attempt,
        ownerProcessId: deps.processId,
      });
      if (started.created) run = started.run;
      else if (started.run.workerJobId === workerJobId) {
        // This job's own run, interrupted by a shutdown or a dead worker: resume it.
        run = await claimRun(deps.pool, started.run.id, attempt, workerJobId, deps.processId);
        if (!run) return;
      } else {
        helpers.logger.info(`scheduled ${job.kind} skipped: run ${started.run.id} of that kind is already ${started.run.status}`);
        return;
      }
    }

    let options: Options;
    try {
      options = job.parseOptions(run.options, deps.config);
    } catch (error) {
      const finished = await finishRunWith(deps.pool, run.id, { status: 'failed', error: `invalid options: ${(error as Error).message}` });
      if (finished) await publishRunEvent(deps.pool, eventFromRun(finished));
      return;
    }

    const outcome = await executeRun({
      run,
      job,
      options,
      deps,
      cancellation: runtime.cancellation,
      shutdownSignal: helpers.abortSignal,
    });
    if (outcome.outcome === 'requeued') {
      // Failing this attempt makes graphile-worker retry the job; the run resumes incrementally.
      throw new Error(INTERRUPTED_BY_SHUTDOWN);
    }
    if (
      scheduledFollowUp &&
      outcome.outcome === 'finished' &&
      outcome.run.status === 'succeeded' &&
      outcome.run.trigger === 'schedule'
    ) {
      await startQueuedRun(deps.pool, { kind: scheduledFollowUp, trigger: 'schedule', options: {} });
    }
  };
}
