// Live run events travel through PostgreSQL NOTIFY (raw: Prisma has no LISTEN/NOTIFY), so a run's progress reaches subscribers of any
// API process, whichever worker process runs it.
import type { Queryable } from '../../db/queryable.ts';
import type { JobKind, JobStatus } from '../../types.ts';
import type { ProgressSnapshot } from './progress.ts';
import { isFinalStatus, type JobRunRecord, runKind, runSourceCounts, type SourceCounts } from './runs/run-fields.ts';

export const RUN_EVENTS_CHANNEL = 'linernotes_run_events';
export const RUN_CANCEL_CHANNEL = 'linernotes_run_cancel';

export interface RunEvent {
  runId: number;
  kind: JobKind;
  status: JobStatus;
  current: number;
  total: number;
  rate: number | null;
  etaSeconds: number | null;
  sourceCounts: SourceCounts;
  message: string | null;
  error: string | null;
  /** True for the last event of a run: it carries the final status. */
  final: boolean;
  at: string;
}

export function eventFromSnapshot(snapshot: ProgressSnapshot): RunEvent {
  return {
    runId: snapshot.runId,
    kind: snapshot.kind,
    status: snapshot.status,
    current: snapshot.current,
    total: snapshot.total,
    rate: snapshot.rate,
    etaSeconds: snapshot.etaSeconds,
    sourceCounts: snapshot.sourceCounts,
    message: snapshot.message,
    error: null,
    final: false,
    at: snapshot.updatedAt.toISOString(),
  };
}

export function eventFromRun(run: JobRunRecord, at: Date = new Date()): RunEvent {
  return {
    runId: run.id,
    kind: runKind(run),
    status: run.status,
    current: run.progressCurrent,
    total: run.progressTotal,
    rate: null,
    etaSeconds: null,
    sourceCounts: runSourceCounts(run),
    message: run.message,
    // NOTIFY payloads are limited to 8000 bytes; the full error stays in job_runs.
    error: run.error === null ? null : run.error.slice(0, 1000),
    final: isFinalStatus(run.status),
    at: at.toISOString(),
  };
}

export async function publishRunEvent(db: Queryable, event: RunEvent): Promise<void> {
  await db.query('SELECT pg_notify($1, $2)', [RUN_EVENTS_CHANNEL, JSON.stringify(event)]);
}
