// `linernotes providers health`: every provider as the whole installation sees it (the same figures as
// the API's providerHealth), read from the database; this command starts no provider client of its own.
import { formatDuration } from '../jobs/estimate/warm-estimate.ts';
import { type ProviderHealth, readProviderHealth } from '../providers/provider-health.ts';
import { openCommandContext } from './command-context.ts';
import { formatTable } from './format-table.ts';

function resumes(health: ProviderHealth, now: Date): string | null {
  if (health.resumesAt === null) return null;
  return `${health.resumesAt.toISOString()} (in ${formatDuration((health.resumesAt.getTime() - now.getTime()) / 1000)})`;
}

export async function providerHealthCommand(options: { json: boolean }): Promise<number> {
  const context = await openCommandContext({ runtime: false });
  try {
    const now = new Date();
    const health = await readProviderHealth({
      prisma: context.db.prisma,
      pool: context.db.pool,
      config: context.config,
      now,
    });
    if (options.json) {
      process.stdout.write(`${JSON.stringify(health, null, 2)}\n`);
      return 0;
    }
    const lines = [
      formatTable(
        ['PROVIDER', 'STATUS', 'BREAKER', 'REQ/S', 'BUDGET/S', 'REQUESTS 1H', '429 1H', 'ERRORS 1H', 'RESUMES'],
        health.map((entry) => [
          entry.provider,
          entry.status,
          entry.configured
            ? `${entry.breaker}${entry.failingProcesses > 0 ? ` (${entry.failingProcesses} of ${entry.processes})` : ''}`
            : null,
          entry.configured ? entry.requestsPerSecond : null,
          entry.budgetPerSecond,
          entry.lastHour.requests,
          entry.lastHour.rateLimited,
          entry.lastHour.errors,
          resumes(entry, now),
        ]),
      ),
      ...health
        .filter((entry) => entry.genres !== null)
        .map(
          (entry) =>
            `${entry.provider} genres: ${entry.genres}${entry.genresCheckedAt ? ` (probed ${entry.genresCheckedAt.toISOString()})` : ''}`,
        ),
      ...health.flatMap((entry) =>
        entry.pause === null
          ? []
          : [
              `${entry.provider} PAUSED since ${entry.pause.since.toISOString()}: ${entry.pause.reason} (or: linernotes providers resume ${entry.provider})`,
            ],
      ),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } finally {
    await context.close();
  }
}
