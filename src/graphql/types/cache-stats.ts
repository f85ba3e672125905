import { countTableTotals, type TableTotals } from '../../cache/table-totals.ts';
import { builder } from '../builder.ts';

interface TableStatsShape {
  total: number;
}

const TableStats = builder.objectRef<TableStatsShape>('TableStats').implement({
  description: 'Statistics of one cache table.',
  fields: (t) => ({
    total: t.exposeInt('total', { description: 'Rows in the table.' }),
  }),
});

const CacheStats = builder.objectRef<TableTotals>('CacheStats').implement({
  description: 'What the cache holds.',
  fields: (t) => ({
    artists: t.field({ type: TableStats, resolve: (totals) => ({ total: totals.artists }) }),
    albums: t.field({ type: TableStats, resolve: (totals) => ({ total: totals.albums }) }),
    tracks: t.field({ type: TableStats, resolve: (totals) => ({ total: totals.tracks }) }),
    audioFeatures: t.field({ type: TableStats, resolve: (totals) => ({ total: totals.audioFeatures }) }),
    jobRuns: t.field({ type: TableStats, resolve: (totals) => ({ total: totals.jobRuns }) }),
  }),
});

builder.queryField('cacheStats', (t) =>
  t.field({
    type: CacheStats,
    description: 'Totals and freshness of the cache tables.',
    resolve: (_root, _args, context) => countTableTotals(context.db.pool),
  }),
);
