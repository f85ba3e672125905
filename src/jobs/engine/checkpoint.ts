// How a run stops between two units of work: a cancel or a shutdown aborts its signal, and the job's
// next check point throws the reason.
export class RunCancelledError extends Error {
  override name = 'RunCancelledError';
  constructor() {
    super('the run was cancelled');
  }
}

/** The failure a task reports when a shutdown interrupted its run; graphile-worker retries it. */
export const INTERRUPTED_BY_SHUTDOWN = 'interrupted by worker shutdown; the run will resume';

/** The failure a task reports when the database went away under its run; graphile-worker retries it. */
export const INTERRUPTED_BY_DATABASE = 'interrupted: the database was unavailable; the run will resume';

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
