// A run as the API shows it: the job_runs row, plus the live rate and ETA that only events carry.
// Events (NOTIFY from the worker holding the run) update the view between database reads.
import type { JobStatus } from '../../types.ts';
import type { RunEvent } from './run-events.ts';
import { isFinalStatus, type JobRunRecord } from './runs/run-fields.ts';

export type RunView = JobRunRecord & {
  /** Items per second, from the worker's last event; null when not known here. */
  rate: number | null;
  /** Seconds to go at that rate; null when not known. */
  etaSeconds: number | null;
};

export function viewOfRun(
  run: JobRunRecord,
  live: { rate: number | null; etaSeconds: number | null } = { rate: null, etaSeconds: null },
): RunView {
  return { ...run, rate: live.rate, etaSeconds: live.etaSeconds };
}

export function isFinal(view: Pick<JobRunRecord, 'status'>): boolean {
  return isFinalStatus(view.status);
}

const STAGE: Record<JobStatus, number> = { queued: 0, running: 1, succeeded: 2, failed: 2, cancelled: 2 };

/**
 * An event older than what the view shows: an earlier stage (the API's "queued" announcement arriving
 * after the worker's first "running" event), or the same status with less progress (an event that a
 * database read already included: a subscription listens before it reads). The one legitimate step
 * back, a run requeued by a worker shutdown, is picked up by the next re-read of the row.
 */
export function isOutdatedEvent(view: RunView, event: RunEvent): boolean {
  if (event.final) return false;
  if (STAGE[event.status] < STAGE[view.status]) return true;
  return event.status === view.status && event.current < view.progressCurrent;
}

export function applyRunEvent(view: RunView, event: RunEvent): RunView {
  const at = new Date(event.at);
  return {
    ...view,
    status: event.status,
    progressCurrent: event.current,
    progressTotal: event.total,
    sourceCounts: event.sourceCounts,
    message: event.message,
    error: event.error ?? view.error,
    rate: event.rate ?? view.rate,
    etaSeconds: event.final ? null : event.etaSeconds,
    startedAt: view.startedAt ?? (event.status === 'running' ? at : null),
    finishedAt: event.final ? (view.finishedAt ?? at) : view.finishedAt,
  };
}
