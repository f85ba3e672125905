import { listRuns } from '../jobs/engine/runs/list-runs.ts';
import type { JobKind, JobStatus } from '../types.ts';
import { openCommandContext } from './command-context.ts';
import { formatTable } from './format-table.ts';

export async function jobsCommand(options: {
  kind?: JobKind;
  status?: JobStatus;
  limit: number;
  json: boolean;
}): Promise<number> {
  const context = await openCommandContext({ runtime: false });
  try {
    const runs = await listRuns(context.db.prisma, {
      kind: options.kind,
      status: options.status,
      limit: options.limit,
    });
    if (options.json) {
      process.stdout.write(`${JSON.stringify(runs, null, 2)}\n`);
      return 0;
    }
    if (runs.length === 0) {
      process.stdout.write('no runs yet\n');
      return 0;
    }
    process.stdout.write(
      `${formatTable(
        ['ID', 'KIND', 'STATUS', 'TRIGGER', 'STARTED', 'FINISHED', 'PROGRESS', 'MESSAGE'],
        runs.map((run) => [
          run.id,
          run.kind,
          run.status,
          run.trigger,
          run.startedAt?.toISOString() ?? null,
          run.finishedAt?.toISOString() ?? null,
          `${run.progressCurrent}/${run.progressTotal}`,
          run.error ?? run.message,
        ]),
      )}\n`,
    );
    return 0;
  } finally {
    await context.close();
  }
}
