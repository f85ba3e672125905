// A run in the foreground of this process (the CLI's door): its row is created `running` with
// trigger `cli`, and it executes here rather than through the queue. A dry run (`dryRun: true`)
// creates no row at all: it writes nothing, so it has no place in the history or the statistics.
import type { CancellationWatcher } from './cancellation-watcher.ts';
import type { JobContext, JobDefinition, JobDependencies, JobResult } from './job-definition.ts';
import { RunCancelledError } from './checkpoint.ts';
import { prepareRun } from './readiness.ts';
import { allowListenersPerEntity, executeRun, type ExecutionOutcome } from './execute-run.ts';
import { EntitiesInFlight } from './entities-in-flight.ts';
import { ProgressReporter, type ProgressSnapshot } from './progress.ts';
import type { JobRunRecord } from './runs/run-fields.ts';
import { startImmediateRun } from './runs/start-run.ts';
import { claimRun } from './runs/claim-run.ts';
import { DatabaseUnavailableError, waitForDatabase } from '../../db/unavailable.ts';
import type { JobKind } from '../../types.ts';
import type { WarmEstimate } from '../estimate/warm-estimate.ts';

export class RunAlreadyActiveError extends Error {
  override name = 'RunAlreadyActiveError';
  constructor(readonly run: JobRunRecord) {
    super(`a ${run.kind} run is already ${run.status} (run ${run.id}); cancel it first or wait for it`);
  }
}

/** A dry run's result: what it counted, and no run (none was recorded). */
export interface DryRunOutcome {
  outcome: 'dry-run';
  status: 'succeeded' | 'cancelled';
  message: string | null;
  progress: ProgressSnapshot;
  /** A warm's: the requests it would send per provider and how long they would take. */
  estimate?: WarmEstimate;
}

interface RunHooks {
  cancelSignal?: AbortSignal;
  onProgress?: (snapshot: ProgressSnapshot) => void;
}

function isDryRun(options: unknown): boolean {
  return typeof options === 'object' && options !== null && (options as { dryRun?: unknown }).dryRun === true;
}

export async function runNow<Options>(
  runtime: { deps: JobDependencies; cancellation: CancellationWatcher },
  job: JobDefinition<Options>,
  rawOptions: unknown,
  hooks: RunHooks = {},
): Promise<ExecutionOutcome | DryRunOutcome> {
  const { kind } = job;
  // A missing provider or bad options throw here (JobNotConfiguredError, a zod error), before any row exists.
  const options = prepareRun(job, rawOptions, runtime.deps.config);
  if (isDryRun(options)) return await dryRun(runtime.deps, kind, (context) => job.run(context, options), hooks);
  const started = await startImmediateRun(runtime.deps.prisma, {
    kind,
    trigger: 'cli',
    // Zod's output of a JSON-shaped input is an object of JSON values.
    options: options as Record<string, unknown>,
    ownerProcessId: runtime.deps.processId,
  });
  if (!started.created) throw new RunAlreadyActiveError(started.run);
  let run = started.run;
  for (;;) {
    const outcome = await executeRun({
      run,
      job,
      options,
      deps: runtime.deps,
      cancellation: runtime.cancellation,
      cancelSignal: hooks.cancelSignal,
      onProgress: hooks.onProgress,
    });
    if (outcome.outcome !== 'database-unavailable') return outcome;
    // The database went away under the run: wait for it and go on in this process (what was stored is skipped).
    if (!(await waitForDatabase(runtime.deps.pool, hooks.cancelSignal)))
      throw new DatabaseUnavailableError(outcome.error);
    const claimed = await claimRun(runtime.deps.prisma, run.id, null, runtime.deps.processId);
    if (!claimed) return { outcome: 'already-final' };
    run = claimed;
  }
}

/** Runs the job with progress shown to the caller only: no job_runs row, no run events. */
async function dryRun(
  deps: JobDependencies,
  kind: JobKind,
  run: (context: JobContext) => Promise<JobResult>,
  hooks: RunHooks,
): Promise<DryRunOutcome> {
  const controller = new AbortController();
  allowListenersPerEntity(controller.signal);
  const onCancel = () => controller.abort(new RunCancelledError());
  if (hooks.cancelSignal?.aborted) onCancel();
  hooks.cancelSignal?.addEventListener('abort', onCancel, { once: true });
  const progress = new ProgressReporter({
    // 0: a dry run has no run id, because it has no run.
    runId: 0,
    kind,
    clock: deps.clock,
    sink: { publish: (snapshot) => hooks.onProgress?.(snapshot), persist: async () => undefined },
  });
  try {
    const result = await run({
      deps,
      progress,
      signal: controller.signal,
      // A dry run stores nothing, so its end has nothing in flight to wait for.
      inFlight: new EntitiesInFlight(),
      logger: deps.logger.child({ kind, dryRun: true }),
    });
    if (controller.signal.aborted) throw controller.signal.reason;
    await progress.dispose();
    const final = { ...progress.snapshot(), status: 'succeeded' as const };
    // The last counts, which the throttle may have held back: a bar ends full.
    hooks.onProgress?.(final);
    return {
      outcome: 'dry-run',
      status: 'succeeded',
      message: result.message ?? null,
      progress: final,
      estimate: result.estimate,
    };
  } catch (error) {
    await progress.dispose();
    if (controller.signal.aborted && controller.signal.reason instanceof RunCancelledError) {
      return {
        outcome: 'dry-run',
        status: 'cancelled',
        message: 'dry run cancelled',
        progress: { ...progress.snapshot(), status: 'cancelled' },
      };
    }
    throw error;
  } finally {
    hooks.cancelSignal?.removeEventListener('abort', onCancel);
  }
}
