// The graphile-worker side of a run: claims the run a mutation queued (or creates the row of a
// scheduled occurrence), then executes it. src/worker/task-list.ts makes one such task per job kind.
import type { Task } from 'graphile-worker';
import { z } from 'zod';
import type { CancellationWatcher } from './cancellation-watcher.ts';
import type { JobDefinition, JobDependencies } from './job-definition.ts';
import { INTERRUPTED_BY_DATABASE, INTERRUPTED_BY_SHUTDOWN } from './checkpoint.ts';
import { executeRun, type ExecutionOutcome } from './execute-run.ts';
import {
  DatabaseUnavailableError,
  isDatabaseUnavailable,
  waitForDatabase,
  writeWhenDatabaseIsBack,
} from '../../db/unavailable.ts';
import { requeueRun } from './runs/requeue-run.ts';
import type { ProgressSnapshot } from './progress.ts';
import { claimRun } from './runs/claim-run.ts';
import { finishAndAnnounce } from './runs/finish-run.ts';
import { runOptions } from './runs/run-fields.ts';
import { type QueuedRunRequest, startImmediateRun } from './runs/start-run.ts';
import { JobNotConfiguredError, missingProvider, prepareRun } from './readiness.ts';
import { isFinalStatus } from './runs/run-fields.ts';

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

export function createRunTask<Options>(
  job: JobDefinition<Options>,
  runtime: WorkerRuntime,
  /** The job named by `job.followedBy`, queued after a scheduled run of this one succeeds. */
  followUp?: JobDefinition<unknown>,
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
        followUp,
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
    } catch (error) {
      if (error instanceof Error && error.message === INTERRUPTED_BY_SHUTDOWN) throw error;
      if (isDatabaseUnavailable(error)) {
        // Wait for the database here, so that graphile-worker can record this attempt's end (it has
        // no retry of its own for a refused connection) and the run is back in the queue, not left
        // `running` by a process that can no longer write. The write is tried again if the database
        // goes away once more before it lands. On the job's last attempt no retry would take the run
        // up again: it ends as failed rather than waiting in the queue for ever, blocking its kind.
        if (runId === undefined) await waitForDatabase(deps.pool, helpers.abortSignal);
        else {
          const id = runId;
          const { attempts, max_attempts: maxAttempts } = helpers.job;
          await writeWhenDatabaseIsBack(deps.pool, helpers.abortSignal, () =>
            attempts >= maxAttempts
              ? finishAndAnnounce(deps, id, {
                  status: 'failed',
                  error: `gave up after ${attempts} attempts: the database was unavailable`,
                  progress: progressAtOutage,
                })
              : requeueRun(deps.prisma, id, INTERRUPTED_BY_DATABASE, progressAtOutage),
          ).catch((writeError: unknown) =>
            deps.logger.warn(
              { runId: id, error: writeError instanceof Error ? writeError.message : String(writeError) },
              'could not record the interrupted run',
            ),
          );
        }
        throw new Error(INTERRUPTED_BY_DATABASE);
      }
      // Any other error: graphile-worker retries the job; on its last attempt the run ends as failed
      // instead of staying active for ever with no job to finish it.
      if (runId !== undefined && helpers.job.attempts >= helpers.job.max_attempts) {
        const message = error instanceof Error ? error.message : String(error);
        await finishAndAnnounce(deps, runId, {
          status: 'failed',
          error: `gave up after ${helpers.job.attempts} attempts: ${message}`,
        });
      }
      throw error;
    }
  };
}

/** Claims the run (or creates a scheduled occurrence's) and executes it; undefined when there is nothing to do. */
async function claimAndExecute<Options>(
  job: JobDefinition<Options>,
  followUp: JobDefinition<unknown> | undefined,
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
    run = await claimRun(deps.prisma, payload.runId, workerJobId, deps.processId);
    if (!run) return undefined; // cancelled or finished before this attempt began
  } else {
    // A retry of a job whose run already ended: its process was killed after the run's end (and its
    // follow-up, queued in the same transaction) was written, before graphile-worker recorded the job done.
    const own = await deps.prisma.jobRun.findFirst({ where: { workerJobId }, select: { id: true, status: true } });
    if (own && isFinalStatus(own.status)) {
      deps.logger.info(`scheduled ${job.kind} already ended as run ${own.id}; nothing to do`);
      return undefined;
    }
    // The schedule refuses what the API and the CLI refuse: no run is recorded for a kind that cannot start here.
    const missing = missingProvider(job, deps.config.providers);
    if (missing) {
      deps.logger.info(`scheduled ${job.kind} skipped: ${missing.message}`);
      return undefined;
    }
    const started = await startImmediateRun(deps.prisma, {
      kind: job.kind,
      trigger: 'schedule',
      options: {},
      workerJobId,
      ownerProcessId: deps.processId,
    });
    if (started.created) run = started.run;
    else if (started.run.workerJobId === workerJobId) {
      // This job's own run, interrupted by a shutdown or a dead worker: resume it.
      run = await claimRun(deps.prisma, started.run.id, workerJobId, deps.processId);
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
    options = job.parseOptions(runOptions(run), deps.config);
  } catch (error) {
    await finishAndAnnounce(deps, run.id, { status: 'failed', error: `invalid options: ${(error as Error).message}` });
    return undefined;
  }

  return await executeRun({
    run,
    job,
    options,
    deps,
    cancellation: runtime.cancellation,
    shutdownSignal: abortSignal,
    ...(followUp && run.trigger === 'schedule' ? { followUp: () => followUpRequest(deps, followUp) } : {}),
  });
}

/** The follow-up of a scheduled run, refused (and logged) as any door would refuse it. */
function followUpRequest(deps: JobDependencies, followUp: JobDefinition<unknown>): QueuedRunRequest | undefined {
  try {
    // Zod's output of a JSON-shaped input is an object of JSON values.
    const options = prepareRun(followUp, {}, deps.config) as Record<string, unknown>;
    return { kind: followUp.kind, trigger: 'schedule', options };
  } catch (error) {
    if (error instanceof JobNotConfiguredError) {
      deps.logger.info(`scheduled ${followUp.kind} skipped: ${error.message}`);
      return undefined;
    }
    throw error;
  }
}
