import { cancelRun } from '../jobs/engine/runs/cancel-run.ts';
import { parseRunId } from '../jobs/engine/runs/run-id.ts';
import { openCommandContext } from './command-context.ts';

export async function cancelCommand(runIdText: string): Promise<number> {
  const runId = parseRunId(runIdText);
  if (runId === null) {
    process.stderr.write(`linernotes: a run id is a positive integer (got ${JSON.stringify(runIdText)})\n`);
    return 2;
  }
  const context = await openCommandContext({ runtime: false });
  try {
    const result = await cancelRun(context.db, runId);
    switch (result.outcome) {
      case 'not-found':
        process.stderr.write(`linernotes: no run ${runId}\n`);
        return 1;
      case 'already-finished':
        process.stdout.write(`run ${runId} already ended: ${result.run.status}\n`);
        return 0;
      case 'cancelled':
        process.stdout.write(`run ${runId} (${result.run.kind}) was queued and is now cancelled\n`);
        return 0;
      case 'cancel-requested':
        process.stdout.write(`run ${runId} (${result.run.kind}) is running: it stops at its next check point\n`);
        return 0;
    }
  } finally {
    await context.close();
  }
}
