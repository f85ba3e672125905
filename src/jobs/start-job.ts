// The doors' way in to the jobs by kind: the registry's definition run through the engine, so the
// API, the CLI and the schedule apply the same rules (required providers, options, one active run).
import type { JobKind, JobTrigger } from '../types.ts';
import { jobDefinition } from './bodies/registry.ts';
import type { Config } from '../config.ts';
import { type QueueDependencies, queueRun } from './engine/queue-run.ts';
import { prepareRun } from './engine/readiness.ts';
import { runNow } from './engine/run-now.ts';
import type { StartRunResult } from './engine/runs/start-run.ts';

/** Through graphile-worker (the API). */
export async function queueJob(
  deps: QueueDependencies,
  kind: JobKind,
  rawOptions: unknown,
  trigger: JobTrigger,
): Promise<StartRunResult> {
  return await queueRun(deps, jobDefinition(kind), rawOptions, trigger);
}

/** In the foreground of this process (the CLI). */
export async function runJobNow(
  runtime: Parameters<typeof runNow>[0],
  kind: JobKind,
  rawOptions: unknown,
  hooks?: Parameters<typeof runNow>[3],
): ReturnType<typeof runNow> {
  return await runNow(runtime, jobDefinition(kind), rawOptions, hooks);
}

/** Throws what a run of `kind` would be refused for (a missing provider, bad options), touching nothing. */
export function checkJobOptions(kind: JobKind, rawOptions: unknown, config: Config): void {
  prepareRun(jobDefinition(kind), rawOptions, config);
}
