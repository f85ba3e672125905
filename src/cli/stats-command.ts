import { getCacheStatistics } from '../cache/stats/get-cache-statistics.ts';
import { countTableTotals } from '../cache/table-totals.ts';
import { lastRunPerKind } from '../jobs/runs/list-runs.ts';
import { PROVIDER_NAMES } from '../providers/index.ts';
import { openCommandContext } from './command-context.ts';
import { formatTable } from './format-table.ts';

export async function statsCommand(options: { json: boolean }): Promise<number> {
  const context = await openCommandContext({ runtime: false });
  try {
    const now = new Date();
    const [statistics, totals, lastRuns] = await Promise.all([
      getCacheStatistics(context.db.pool, now, context.config),
      countTableTotals(context.db.pool),
      lastRunPerKind(context.db.pool),
    ]);
    const providers = Object.fromEntries(PROVIDER_NAMES.map((name) => [name, context.config.providers[name] !== undefined]));
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ totals, statistics, providers, lastRuns }, null, 2)}\n`);
      return 0;
    }
    const { artists, albums, tracks } = statistics;
    const lines = [
      formatTable(
        ['TABLE', 'ROWS', 'FRESH', 'EXPIRING SOON', 'EXPIRED', 'HOT', 'WARM', 'COLD'],
        [
          ['artists', artists.total, artists.fresh, artists.expiringSoon, artists.expired, artists.byTier.hot, artists.byTier.warm, artists.byTier.cold],
          ['albums', albums.total, albums.fresh, albums.expiringSoon, albums.expired, albums.byTier.hot, albums.byTier.warm, albums.byTier.cold],
          ['tracks', tracks.total, tracks.fresh, tracks.expiringSoon, tracks.expired, tracks.byTier.hot, tracks.byTier.warm, tracks.byTier.cold],
          ['audioFeatures', totals.audioFeatures, null, null, null, null, null, null],
          ['jobRuns', totals.jobRuns, null, null, null, null, null, null],
        ],
      ),
      '',
      `artists by source: ${artists.bySource.map((entry) => `${entry.source} ${entry.count}`).join(', ') || '-'}`,
      `top genres: ${artists.topGenres.map((entry) => `${entry.genre} ${entry.count}`).join(', ') || '-'}`,
      `providers configured: ${Object.entries(providers).map(([name, on]) => `${name} ${on ? 'yes' : 'no'}`).join(', ')}`,
      '',
      lastRuns.length === 0
        ? 'no runs yet'
        : formatTable(
            ['KIND', 'LAST RUN', 'STATUS', 'FINISHED'],
            lastRuns.map((run) => [run.kind, run.id, run.status, run.finishedAt?.toISOString() ?? null]),
          ),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } finally {
    await context.close();
  }
}
