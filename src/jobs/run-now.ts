// A run in the foreground of this process (the CLI's door): its row is created `running` with
// trigger `cli`, and it executes here rather than through the queue.
import type { CancellationWatcher } from './cancellation-watcher.ts';
import type { JobDependencies } from './dependencies.ts';
import { executeRun, type ExecutionOutcome } from './execute-run.ts';
import type { ProgressSnapshot } from './progress.ts';
import { jobDefinition } from './registry.ts';
import type { JobRunRecord } from './runs/run-record.ts';
import { startImmediateRun } from './runs/start-run.ts';
import { claimRun } from './runs/claim-run.ts';
import { DatabaseUnavailableError, waitForDatabase } from '../db/unavailable.ts';
import type { JobKind } from '../types.ts';

export class RunAlreadyActiveError extends Error {
  override name = 'RunAlreadyActiveError';
  constructor(readonly run: JobRunRecord) {
    super(`a ${run.kind} run is already ${run.status} (run ${run.id}); cancel it first or wait for it`);
  }
}

export async function runNow(
  runtime: { deps: JobDependencies; cancellation: CancellationWatcher },
  kind: JobKind,
  rawOptions: unknown,
  hooks: { cancelSignal?: AbortSignal; onProgress?: (snapshot: ProgressSnapshot) => void } = {},
): Promise<ExecutionOutcome> {
  const job = jobDefinition(kind);
  // Bad options throw here (a zod error), before any row exists.
  const options = job.parseOptions(rawOptions, runtime.deps.config);
  const started = await startImmediateRun(runtime.deps.pool, {
    kind,
    trigger: 'cli',
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
    if (!(await waitForDatabase(runtime.deps.pool, hooks.cancelSignal))) throw new DatabaseUnavailableError(outcome.error);
    const claimed = await claimRun(runtime.deps.pool, run.id, null, runtime.deps.processId);
    if (!claimed) return { outcome: 'already-final' };
    run = claimed;
  }
}
