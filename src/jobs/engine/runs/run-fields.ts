// A job_runs row is Prisma's JobRun. Its `kind` is a text column and its counters are JSON columns,
// which the database cannot type: these read them back as what the jobs wrote.
import { z } from 'zod';
import type { JobRun } from '../../../generated/prisma/client.ts';
import { JOB_KINDS, type JobKind, type JobStatus } from '../../../types.ts';

export type JobRunRecord = JobRun;

export type SourceCounts = Record<string, number>;

export type RunFailure = { entity: string; reason: string };

/** A run in one of these is active: at most one per kind, and only these may change status. */
export const ACTIVE_STATUSES = ['queued', 'running'] as const satisfies readonly JobStatus[];
export const FINAL_STATUSES = ['succeeded', 'failed', 'cancelled'] as const satisfies readonly JobStatus[];
export type FinalStatus = (typeof FINAL_STATUSES)[number];

export function isFinalStatus(status: JobStatus): status is FinalStatus {
  return (FINAL_STATUSES as readonly JobStatus[]).includes(status);
}

const kindSchema = z.enum(JOB_KINDS);
const sourceCountsSchema = z.record(z.string(), z.number());
const failuresSchema = z.array(z.object({ entity: z.string(), reason: z.string() }));
const optionsSchema = z.record(z.string(), z.unknown());

/** Only the jobs write job_runs.kind, always a task name; anything else is a corrupted row. */
export function runKind(run: Pick<JobRun, 'kind'>): JobKind {
  return kindSchema.parse(run.kind);
}

export function runSourceCounts(run: Pick<JobRun, 'sourceCounts'>): SourceCounts {
  const parsed = sourceCountsSchema.safeParse(run.sourceCounts);
  return parsed.success ? parsed.data : {};
}

export function runFailures(run: Pick<JobRun, 'failures'>): RunFailure[] {
  const parsed = failuresSchema.safeParse(run.failures);
  return parsed.success ? parsed.data : [];
}

export function runOptions(run: Pick<JobRun, 'options'>): Record<string, unknown> {
  const parsed = optionsSchema.safeParse(run.options);
  return parsed.success ? parsed.data : {};
}
