import type pg from 'pg';
import type { EntryRefresher } from '../cache/use-cases/entry-refresher.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { Providers } from '../providers/create-providers.ts';
import type { Clock, JobKind } from '../types.ts';
import type { ProgressReporter } from './progress.ts';

/** What every job receives besides its options. */
export interface JobDependencies {
  config: Config;
  pool: pg.Pool;
  logger: Logger;
  clock: Clock;
  providers: Providers;
  /** Fetch-and-store of one entry, shared with the API's lookups in this process (single-flight). */
  refresher: EntryRefresher;
  /** This process's id among the live processes (worker_processes.id): the owner of the runs it executes. */
  processId: string;
}

export interface JobContext {
  deps: JobDependencies;
  progress: ProgressReporter;
  /** Aborted on cancel and on worker shutdown; jobs call `checkpoint(signal)` between units of work. */
  signal: AbortSignal;
  logger: Logger;
}

export interface JobResult {
  /** Shown with the run, e.g. "AudioMuse is not configured (AUDIOMUSE_URL unset); nothing to do". */
  message?: string;
}

export interface JobDefinition<Options> {
  kind: JobKind;
  description: string;
  /** Fills in defaults and validates bounds; throws a zod error on bad input. */
  parseOptions(input: unknown, config: Config): Options;
  run(context: JobContext, options: Options): Promise<JobResult>;
}

export class RunCancelledError extends Error {
  override name = 'RunCancelledError';
  constructor() {
    super('the run was cancelled');
  }
}

/** The failure a task reports when a shutdown interrupted its run; graphile-worker retries it. */
export const INTERRUPTED_BY_SHUTDOWN = 'interrupted by worker shutdown; the run will resume';

export class WorkerShutdownError extends Error {
  override name = 'WorkerShutdownError';
  constructor() {
    super('the worker is shutting down; the run will resume on the next attempt');
  }
}

/** A check point: throws the abort reason (cancel or shutdown) when the run should stop here. */
export function checkpoint(signal: AbortSignal): void {
  if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new RunCancelledError();
}
