// The shape of a job_runs row as the jobs, the CLI and the API see it.
import type { JobKind, JobStatus, JobTrigger } from '../../types.ts';

export interface SourceCounts {
  [source: string]: number;
}

export interface RunFailure {
  entity: string;
  reason: string;
}

export interface JobRunRecord {
  id: number;
  kind: JobKind;
  status: JobStatus;
  trigger: JobTrigger;
  options: Record<string, unknown>;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  progressCurrent: number;
  progressTotal: number;
  sourceCounts: SourceCounts;
  message: string | null;
  error: string | null;
  failures: RunFailure[];
  workerJobId: string | null;
  attempt: number;
  cancelRequestedAt: Date | null;
  /** The live process executing the run (worker_processes.id). */
  ownerProcessId: string | null;
}

export const FINAL_STATUSES: readonly JobStatus[] = ['succeeded', 'failed', 'cancelled'];
export const ACTIVE_STATUSES: readonly JobStatus[] = ['queued', 'running'];

/** Columns selected wherever a run is read, aliased to JobRunRecord's names. */
export const RUN_COLUMNS = `
  id, kind, status, trigger, options,
  created_at AS "createdAt", started_at AS "startedAt", finished_at AS "finishedAt",
  progress_current AS "progressCurrent", progress_total AS "progressTotal",
  source_counts AS "sourceCounts", message, error, failures,
  worker_job_id AS "workerJobId", attempt, cancel_requested_at AS "cancelRequestedAt",
  owner_process_id AS "ownerProcessId"`;

/** Serialises a run lock per kind; any constant namespace works as long as every process uses it. */
export const KIND_LOCK_NAMESPACE = 'linernotes:job-kind:';
