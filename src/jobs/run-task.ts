// The graphile-worker side of a run: claims the run a mutation queued (or creates the row of a
// scheduled occurrence), then executes it. tasks/ holds one such task per job kind.
import type { Task } from 'graphile-worker';
import { z } from 'zod';
import type { CancellationWatcher } from './cancellation-watcher.ts';
import { INTERRUPTED_BY_SHUTDOWN, type JobDefinition, type JobDependencies } from './dependencies.ts';
import { executeRun, type ExecutionOutcome } from './execute-run.ts';
import { DatabaseUnavailableError, isDatabaseUnavailable, waitForDatabase } from '../db/unavailable.ts';
import { requeueRun } from './runs/requeue-run.ts';
import type { ProgressSnapshot } from './progress.ts';
import { eventFromRun, publishRunEvent } from './run-events.ts';
import { claimRun } from './runs/claim-run.ts';
import { finishRunWith } from './runs/finish-run.ts';
import { startImmediateRun, startQueuedRun } from './runs/start-run.ts';
import type { JobKind } from '../types.ts';

export interface WorkerRuntime {
  deps: JobDependencies;
  cancellation: CancellationWatcher;
  /** Resolves once this process's graphile-worker pools are registered, so a kill after the claim can be swept. */
  workersRecorded?: () => Promise<void>;
}

const payloadSchema = z.union([
  z.object({ runId: z.number().int().positive() }),
  z.object({ trigger: z.literal('schedule') }),
]);

/** The failure a task reports when the database went away under its run; graphile-worker retries it. */
export const INTERRUPTED_BY_DATABASE = 'interrupted: the database was unavailable; the run will resume';

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
    let runId: number | undefined = 'runId' in parsed.data ? parsed.data.runId : undefined;
    let progressAtOutage: ProgressSnapshot | undefined;
    try {
      const outcome = await claimAndExecute(
        job,
        runtime,
        parsed.data,
        String(helpers.job.id),
        helpers.abortSignal,
        (id) => {
          runId = id;
        },
      );
      if (outcome === undefined) return;
      if (outcome.outcome === 'requeued') {
        // Failing this attempt makes graphile-worker retry the job; the run resumes incrementally.
        throw new Error(INTERRUPTED_BY_SHUTDOWN);
      }
      if (outcome.outcome === 'database-unavailable') {
        progressAtOutage = outcome.progress;
        throw new DatabaseUnavailableError(outcome.error);
      }
      if (
        scheduledFollowUp &&
        outcome.outcome === 'finished' &&
        outcome.run.status === 'succeeded' &&
        outcome.run.trigger === 'schedule'
      ) {
        await startQueuedRun(deps.pool, { kind: scheduledFollowUp, trigger: 'schedule', options: {} });
      }
    } catch (error) {
      if (error instanceof Error && error.message === INTERRUPTED_BY_SHUTDOWN) throw error;
      if (isDatabaseUnavailable(error)) {
        // Wait for the database here, so that graphile-worker can record this attempt's end (it has
        // no retry of its own for a refused connection) and the run is back in the queue, not left
        // `running` by a process that can no longer write.
        const back = await waitForDatabase(deps.pool, helpers.abortSignal);
        if (back && runId !== undefined) {
          await requeueRun(deps.pool, runId, INTERRUPTED_BY_DATABASE, progressAtOutage).catch(() => undefined);
        }
        throw new Error(INTERRUPTED_BY_DATABASE);
      }
      // Any other error: graphile-worker retries the job; on its last attempt the run ends as failed
      // instead of staying active for ever with no job to finish it.
      if (runId !== undefined && helpers.job.attempts >= helpers.job.max_attempts) {
        const message = error instanceof Error ? error.message : String(error);
        const finished = await finishRunWith(deps.pool, runId, {
          status: 'failed',
          error: `gave up after ${helpers.job.attempts} attempts: ${message}`,
        });
        if (finished) await publishRunEvent(deps.pool, eventFromRun(finished)).catch(() => undefined);
      }
      throw error;
    }
  };
}

/** Claims the run (or creates a scheduled occurrence's) and executes it; undefined when there is nothing to do. */
async function claimAndExecute<Options>(
  job: JobDefinition<Options>,
  runtime: WorkerRuntime,
  payload: z.output<typeof payloadSchema>,
  workerJobId: string,
  abortSignal: AbortSignal | undefined,
  onRun: (runId: number) => void,
): Promise<ExecutionOutcome | undefined> {
  const { deps } = runtime;
  await runtime.workersRecorded?.();
  let run;
  if ('runId' in payload) {
    run = await claimRun(deps.pool, payload.runId, workerJobId, deps.processId);
    if (!run) return undefined; // cancelled or finished before this attempt began
  } else {
    const started = await startImmediateRun(deps.pool, {
      kind: job.kind,
      trigger: 'schedule',
      options: {},
      workerJobId,
      ownerProcessId: deps.processId,
    });
    if (started.created) run = started.run;
    else if (started.run.workerJobId === workerJobId) {
      // This job's own run, interrupted by a shutdown or a dead worker: resume it.
      run = await claimRun(deps.pool, started.run.id, workerJobId, deps.processId);
      if (!run) return undefined;
    } else {
      deps.logger.info(
        `scheduled ${job.kind} skipped: run ${started.run.id} of that kind is already ${started.run.status}`,
      );
      return undefined;
    }
  }
  onRun(run.id);

  let options: Options;
  try {
    options = job.parseOptions(run.options, deps.config);
  } catch (error) {
    const finished = await finishRunWith(deps.pool, run.id, {
      status: 'failed',
      error: `invalid options: ${(error as Error).message}`,
    });
    if (finished) await publishRunEvent(deps.pool, eventFromRun(finished));
    return undefined;
  }

  return await executeRun({
    run,
    job,
    options,
    deps,
    cancellation: runtime.cancellation,
    shutdownSignal: abortSignal,
  });
}
