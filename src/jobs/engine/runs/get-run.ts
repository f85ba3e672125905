import type { RunClient } from './run-client.ts';
import type { JobRunRecord } from './run-fields.ts';

export async function getRun(prisma: RunClient, runId: number): Promise<JobRunRecord | undefined> {
  return (await prisma.jobRun.findUnique({ where: { id: runId } })) ?? undefined;
}
