import { getCacheStatistics } from '../cache/use-cases/statistics/get-cache-statistics.ts';
import { countTableTotals } from '../cache/storage/statistics/table-totals.ts';
import { lastRunPerKind } from '../jobs/engine/runs/list-runs.ts';
import { PROVIDER_NAMES, credentialDigest } from '../providers/create-providers.ts';
import { readActivePauses } from '../providers/pause-store.ts';
import { openCommandContext } from './command-context.ts';
import { formatTable } from './format-table.ts';

export async function statsCommand(options: { json: boolean }): Promise<number> {
  const context = await openCommandContext({ runtime: false });
  try {
    const now = new Date();
    const [statistics, totals, lastRuns, pauses] = await Promise.all([
      getCacheStatistics(context.db.pool, now, context.config),
      countTableTotals(context.db.pool),
      lastRunPerKind(context.db.prisma),
      readActivePauses(context.db.pool, (name) => credentialDigest(context.config.providers, name)),
    ]);
    const providers = Object.fromEntries(
      PROVIDER_NAMES.map((name) => [name, context.config.providers[name] !== undefined]),
    );
    const paused = [...pauses.values()].map(({ provider, reason, since, retryAt }) => ({
      provider,
      reason,
      since,
      retryAt,
    }));
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ totals, statistics, providers, paused, lastRuns }, null, 2)}\n`);
      return 0;
    }
    const { artists, albums, tracks } = statistics;
    const lines = [
      formatTable(
        ['TABLE', 'ROWS', 'FRESH', 'EXPIRING SOON', 'EXPIRED', 'HOT', 'WARM', 'COLD'],
        [
          [
            'artists',
            artists.total,
            artists.fresh,
            artists.expiringSoon,
            artists.expired,
            artists.byTier.hot,
            artists.byTier.warm,
            artists.byTier.cold,
          ],
          [
            'albums',
            albums.total,
            albums.fresh,
            albums.expiringSoon,
            albums.expired,
            albums.byTier.hot,
            albums.byTier.warm,
            albums.byTier.cold,
          ],
          [
            'tracks',
            tracks.total,
            tracks.fresh,
            tracks.expiringSoon,
            tracks.expired,
            tracks.byTier.hot,
            tracks.byTier.warm,
            tracks.byTier.cold,
          ],
          ['audioFeatures', totals.audioFeatures, null, null, null, null, null, null],
          ['jobRuns', totals.jobRuns, null, null, null, null, null, null],
        ],
      ),
      '',
      `artists by source: ${artists.bySource.map((entry) => `${entry.source} ${entry.count}`).join(', ') || '-'}`,
      `top genres: ${artists.topGenres.map((entry) => `${entry.genre} ${entry.count}`).join(', ') || '-'}`,
      `providers configured: ${Object.entries(providers)
        .map(([name, on]) => `${name} ${on ? 'yes' : 'no'}`)
        .join(', ')}`,
      ...paused.map(
        (pause) =>
          `${pause.provider} PAUSED since ${pause.since.toISOString()}: ${pause.reason}; tried again at ${pause.retryAt.toISOString()} (or: linernotes providers resume ${pause.provider})`,
      ),
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
