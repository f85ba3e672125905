import type { ProgressSnapshot } from '../progress.ts';
import type { RunClient } from './run-client.ts';
import type { JobRunRecord } from './run-fields.ts';
import { progressColumns } from './finish-run.ts';

/**
 * A run interrupted by a worker shutdown (or a database outage) goes back to `queued`; graphile-worker
 * retries its job. Without a snapshot, the progress last persisted is kept.
 */
export async function requeueRun(
  prisma: RunClient,
  runId: number,
  message: string,
  progress: ProgressSnapshot | undefined,
): Promise<JobRunRecord | undefined> {
  const [run] = await prisma.jobRun.updateManyAndReturn({
    where: { id: runId, status: 'running' },
    data: { status: 'queued', message, ...progressColumns(progress) },
  });
  return run;
}
