import { countTableTotals } from '../cache/table-totals.ts';
import { lastRunPerKind } from '../jobs/runs/list-runs.ts';
import { PROVIDER_NAMES } from '../providers/index.ts';
import { openCommandContext } from './command-context.ts';
import { formatTable } from './format-table.ts';

export async function statsCommand(options: { json: boolean }): Promise<number> {
  const context = await openCommandContext({ runtime: false });
  try {
    const [totals, lastRuns] = await Promise.all([countTableTotals(context.db.pool), lastRunPerKind(context.db.pool)]);
    const providers = Object.fromEntries(PROVIDER_NAMES.map((name) => [name, context.config.providers[name] !== undefined]));
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ totals, providers, lastRuns }, null, 2)}\n`);
      return 0;
    }
    process.stdout.write(
      [
        formatTable(['TABLE', 'ROWS'], Object.entries(totals).map(([table, total]) => [table, total])),
        '',
        `providers configured: ${Object.entries(providers).map(([name, on]) => `${name} ${on ? 'yes' : 'no'}`).join(', ')}`,
        '',
        lastRuns.length === 0
          ? 'no runs yet'
          : formatTable(
              ['KIND', 'LAST RUN', 'STATUS', 'FINISHED'],
              lastRuns.map((run) => [run.kind, run.id, run.status, run.finishedAt?.toISOString() ?? null]),
            ),
      ].join('\n') + '\n',
    );
    return 0;
  } finally {
    await context.close();
  }
}
