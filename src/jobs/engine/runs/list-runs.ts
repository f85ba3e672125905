import type { Prisma } from '../../../generated/prisma/client.ts';
import type { JobKind, JobStatus } from '../../../types.ts';
import type { RunClient } from './run-client.ts';
import type { JobRunRecord } from './run-fields.ts';

export interface RunFilter {
  kind?: JobKind;
  status?: JobStatus;
}

export function runWhere(filter: RunFilter): Prisma.JobRunWhereInput {
  return { kind: filter.kind, status: filter.status };
}

/** Newest first. */
export async function listRuns(
  prisma: RunClient,
  filter: RunFilter & { limit: number; beforeId?: number },
): Promise<JobRunRecord[]> {
  return await prisma.jobRun.findMany({
    where: { ...runWhere(filter), id: filter.beforeId === undefined ? undefined : { lt: filter.beforeId } },
    orderBy: { id: 'desc' },
    take: filter.limit,
  });
}

/** How many runs match (the API's jobRuns totalCount). */
export async function countRuns(prisma: RunClient, filter: RunFilter): Promise<number> {
  return await prisma.jobRun.count({ where: runWhere(filter) });
}

/** The newest run of each kind: the newest id per kind by GROUP BY, then those rows. */
export async function lastRunPerKind(prisma: RunClient): Promise<JobRunRecord[]> {
  const newest = await prisma.jobRun.groupBy({ by: ['kind'], _max: { id: true } });
  const ids = newest.flatMap((group) => (group._max.id === null ? [] : [group._max.id]));
  if (ids.length === 0) return [];
  return await prisma.jobRun.findMany({ where: { id: { in: ids } }, orderBy: { kind: 'asc' } });
}
