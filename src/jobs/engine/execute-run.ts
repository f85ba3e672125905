// Runs a job function for a run that is `running`: progress, cancellation, shutdown, and the
// run's end. Every door (worker task, CLI) goes through here.
import { setMaxListeners } from 'node:events';
import { isDatabaseUnavailable } from '../../db/unavailable.ts';
import { eventFromSnapshot, publishRunEvent } from './run-events.ts';
import type { CancellationWatcher } from './cancellation-watcher.ts';
import type { JobDefinition, JobDependencies } from './job-definition.ts';
import { RunCancelledError, WorkerShutdownError } from './checkpoint.ts';
import { EntitiesInFlight } from './entities-in-flight.ts';
import { ProgressReporter, type ProgressSnapshot } from './progress.ts';
import { announceRun, finishAndAnnounce, finishAndQueueFollowUp } from './runs/finish-run.ts';
import { persistProgress } from './runs/persist-progress.ts';
import { requeueRun } from './runs/requeue-run.ts';
import type { QueuedRunRequest } from './runs/start-run.ts';
import { type JobRunRecord, runFailures, runSourceCounts } from './runs/run-fields.ts';
import { runResumePoint } from './resume-point.ts';

export type ExecutionOutcome =
  | { outcome: 'finished'; run: JobRunRecord }
  /** Interrupted by a worker shutdown: back to `queued`, to be resumed by the next attempt. */
  | { outcome: 'requeued'; run: JobRunRecord | undefined }
  /** Someone else wrote the run's final status first (e.g. it was cancelled while starting). */
  | { outcome: 'already-final' }
  /**
   * The database went away under the run: nothing final was written, and the caller retries it once
   * the database is back (the worker through graphile-worker, the CLI in place). Work already stored is kept.
   */
  | { outcome: 'database-unavailable'; progress: ProgressSnapshot; error: unknown };

export interface ExecuteRunOptions<Options> {
  run: JobRunRecord;
  job: JobDefinition<Options>;
  options: Options;
  deps: JobDependencies;
  cancellation: CancellationWatcher;
  /** Aborts when the process shuts down (graphile-worker's abortSignal, or the CLI's). */
  shutdownSignal?: AbortSignal;
  /** Aborting it cancels the run, as a cancel request would (the CLI's Ctrl-C). */
  cancelSignal?: AbortSignal;
  /** Called with every progress snapshot, e.g. to draw a progress bar. */
  onProgress?: (snapshot: ProgressSnapshot) => void;
  /** The run queued when this one succeeds, in the transaction that records the success (undefined: none). */
  followUp?: () => QueuedRunRequest | undefined;
}

/**
 * Every entity in flight waits on the provider rate limiters with the run's signal (an abort listener
 * in the limiter's queue, another while it sleeps), and the listeners go when the wait ends: not a
 * leak, but more than Node's warning threshold of 10 at a concurrency of 6 or more. 16 entities with
 * a few requests each stay well under this bound; a real leak would still pass it and warn.
 */
export function allowListenersPerEntity(signal: AbortSignal): void {
  setMaxListeners(128, signal);
}

export async function executeRun<Options>(params: ExecuteRunOptions<Options>): Promise<ExecutionOutcome> {
  const { run, job, deps } = params;
  const logger = deps.logger.child({ runId: run.id, kind: run.kind });
  const controller = new AbortController();
  allowListenersPerEntity(controller.signal);
  const stopWatching = params.cancellation.watch(run.id, () => controller.abort(new RunCancelledError()));
  const onShutdown = () => controller.abort(new WorkerShutdownError());
  const onCancel = () => controller.abort(new RunCancelledError());
  if (params.shutdownSignal?.aborted) onShutdown();
  if (params.cancelSignal?.aborted) onCancel();
  params.shutdownSignal?.addEventListener('abort', onShutdown, { once: true });
  params.cancelSignal?.addEventListener('abort', onCancel, { once: true });

  let lastPublish: Promise<void> = Promise.resolve();
  const progress = new ProgressReporter({
    runId: run.id,
    kind: job.kind,
    clock: deps.clock,
    sink: {
      publish: (snapshot) => {
        params.onProgress?.(snapshot);
        // Chained, so events go out in order and the final one can wait for the last of them.
        lastPublish = lastPublish
          .then(() => publishRunEvent(deps.pool, eventFromSnapshot(snapshot)))
          .catch((error: unknown) => logger.warn({ err: error }, 'could not publish progress'));
      },
      persist: async (snapshot) => {
        try {
          const { cancelRequested } = await persistProgress(deps.prisma, run.id, snapshot);
          if (cancelRequested && !controller.signal.aborted) controller.abort(new RunCancelledError());
        } catch (error) {
          logger.warn({ err: error }, 'could not persist progress');
        }
      },
    },
  });

  const finish = async (status: 'succeeded' | 'failed' | 'cancelled', message: string | null, error: string | null) => {
    await progress.dispose();
    await lastPublish;
    const outcome = { status, message, error, progress: progress.snapshot() };
    const next = status === 'succeeded' ? params.followUp?.() : undefined;
    const finished =
      next === undefined
        ? await finishAndAnnounce({ ...deps, logger }, run.id, outcome, deps.clock())
        : (await finishAndQueueFollowUp({ ...deps, logger }, run.id, outcome, next, deps.clock())).finished;
    if (!finished) return { outcome: 'already-final' } as const;
    params.onProgress?.({ ...progress.snapshot(), status });
    logger.info({ status, current: finished.progressCurrent, total: finished.progressTotal }, `run ${status}`);
    return { outcome: 'finished', run: finished } as const;
  };

  // A resumed attempt goes on from where the last one's resume point says, with the counts written with it.
  const resumePoint = run.attempt > 1 ? runResumePoint(run) : undefined;
  if (resumePoint) {
    progress.carryOver({
      current: run.progressCurrent,
      total: run.progressTotal,
      sourceCounts: runSourceCounts(run),
      failures: runFailures(run),
      skipped: resumePoint.skipped,
    });
  }

  const inFlight = new EntitiesInFlight();
  try {
    logger.info({ attempt: run.attempt, resumeAt: resumePoint?.offset }, 'run started');
    // Keeps "resuming after an interrupted attempt" visible while the run goes on.
    if (run.message) progress.setMessage(run.message);
    const result = await job
      .run(
        {
          deps,
          progress,
          signal: controller.signal,
          inFlight,
          logger,
          ...(resumePoint ? { resumeFrom: { offset: resumePoint.offset, doneAhead: resumePoint.doneAhead } } : {}),
        },
        params.options,
      )
      // The job ends at the first entity that sees a stop; the others still writing are counted before
      // anything below writes the run's counters (entities-in-flight.ts).
      .finally(() => inFlight.settled());
    // A job may notice the abort and return early instead of throwing.
    if (controller.signal.aborted) throw controller.signal.reason;
    return await finish('succeeded', result.message ?? null, null);
  } catch (error) {
    const reason = controller.signal.aborted ? (controller.signal.reason as unknown) : error;
    if (reason instanceof RunCancelledError)
      return await finish('cancelled', 'cancelled; what was written is kept', null);
    if (reason instanceof WorkerShutdownError) {
      await progress.dispose();
      await lastPublish;
      const requeued = await requeueRun(deps.prisma, run.id, reason.message, progress.snapshot());
      if (requeued) await announceRun({ ...deps, logger }, requeued, deps.clock());
      logger.info('run interrupted by shutdown; it will resume');
      return { outcome: 'requeued', run: requeued };
    }
    if (isDatabaseUnavailable(reason)) {
      await progress.dispose();
      await lastPublish;
      logger.warn(
        { error: reason instanceof Error ? reason.message : String(reason) },
        'the database is unavailable; the run will be retried',
      );
      return { outcome: 'database-unavailable', progress: progress.snapshot(), error: reason };
    }
    const message = error instanceof Error ? error.message : String(error);
    // The message is the run's error; the stack only helps a developer.
    logger.error({ error: message }, 'run failed');
    logger.debug({ err: error }, 'run failure details');
    return await finish('failed', null, message);
  } finally {
    stopWatching();
    params.shutdownSignal?.removeEventListener('abort', onShutdown);
    params.cancelSignal?.removeEventListener('abort', onCancel);
  }
}
