// cacheStats: per table totals, freshness, tiers, statuses, sources and top genres (src/cache/use-cases/statistics),
// the provider counters, the last run of each kind, and the hit rate of API reads. The table figures are
// computed only when asked for, once per request, and shared by concurrent requests
// (src/cache/stats/shared-statistics.ts: at most a second old).
import type { RowTotals } from '../../cache/storage/statistics/count-row-totals.ts';
import type { SharedFigures } from '../../cache/use-cases/statistics/shared-statistics.ts';
import type {
  CacheStatistics,
  EntryTableStatistics,
  TrackTableStatistics,
} from '../../cache/use-cases/statistics/statistics.ts';
import type { ReadCounts, ReadStatistics } from '../../cache/use-cases/usage/read-counter.ts';
import { lastRunPerKind } from '../../jobs/engine/runs/list-runs.ts';
import { PROVIDER_NAMES } from '../../providers/create-providers.ts';
import type { UsageTier } from '../../types.ts';
import { builder } from '../builder.ts';
import { InvalidInputError } from '../errors.ts';
import { sourcesOf } from './cache-entry.ts';
import { EntrySourceEnum } from './enums.ts';
import { JobRunRef } from './job-run.ts';
import { ProviderStats } from './provider-stats.ts';

interface StatsRequest {
  at: Date;
  figures: () => Promise<SharedFigures>;
  reads: ReadStatistics | undefined;
}

const statisticsOf = async (stats: StatsRequest): Promise<CacheStatistics> => (await stats.figures()).statistics;
const rowsOf = async (stats: StatsRequest): Promise<RowTotals> => (await stats.figures()).rows;

function once<T>(compute: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => (value ??= compute());
}

const TableStats = builder.objectRef<{ total: number }>('TableStats').implement({
  description: 'Statistics of a table without expiry.',
  fields: (t) => ({ total: t.exposeInt('total', { description: 'Rows in the table.' }) }),
});

const TierCounts = builder.objectRef<Record<UsageTier, number>>('TierCounts').implement({
  description: 'Entries per usage tier (never read counts as cold).',
  fields: (t) => ({
    hot: t.exposeInt('hot', { description: 'Entries read within HOT_TIER_DAYS.' }),
    warm: t.exposeInt('warm', { description: 'Entries read within WARM_TIER_DAYS, but not hot.' }),
    cold: t.exposeInt('cold', { description: 'Entries not read within WARM_TIER_DAYS, or never read.' }),
  }),
});

const StatusCounts = builder.objectRef<EntryTableStatistics['byStatus']>('StatusCounts').implement({
  description: 'Entries per status (see EntryStatus).',
  fields: (t) => ({
    ok: t.exposeInt('ok', { description: 'Entries every asked provider answered for.' }),
    empty: t.exposeInt('empty', { description: 'Entries nobody knew.' }),
    partial: t.exposeInt('partial', { description: 'Entries some providers failed for.' }),
    error: t.exposeInt('error', { description: 'Entries every provider failed for.' }),
  }),
});

const SourceCount = builder.objectRef<{ source: string; count: number }>('SourceCount').implement({
  description: 'How many entries have one combination of genre sources.',
  fields: (t) => ({
    source: t.exposeString('source', { description: 'The source column as stored, e.g. `plex,lastfm` or `none`.' }),
    sources: t.field({
      type: [EntrySourceEnum],
      description: 'The same sources as a list; empty for `none`.',
      resolve: (entry) => sourcesOf(entry.source),
    }),
    count: t.exposeInt('count', { description: 'Entries with exactly these sources.' }),
  }),
});

const GenreCount = builder.objectRef<{ genre: string; count: number }>('GenreCount').implement({
  description: 'How many entries carry one genre.',
  fields: (t) => ({
    genre: t.exposeString('genre', { description: 'The genre, normalised as entries carry it.' }),
    count: t.exposeInt('count', { description: 'Entries with this genre.' }),
  }),
});

const freshnessDescription = {
  fresh: 'Not yet expired.',
  expiringSoon: 'Fresh, but expiring within REFRESH_LOOKAHEAD_DAYS (what the refresh job looks at).',
  expired: 'Past expiry: still served, flagged isExpired.',
};

const EntryTableStats = builder.objectRef<EntryTableStatistics>('EntryTableStats').implement({
  description: 'Statistics of the artist or album cache. fresh + expired = total; hot + warm + cold = total.',
  fields: (t) => ({
    total: t.exposeInt('total', { description: 'Rows in the table.' }),
    fresh: t.exposeInt('fresh', { description: freshnessDescription.fresh }),
    expiringSoon: t.exposeInt('expiringSoon', { description: freshnessDescription.expiringSoon }),
    expired: t.exposeInt('expired', { description: freshnessDescription.expired }),
    byTier: t.field({ type: TierCounts, description: 'Entries per usage tier.', resolve: (stats) => stats.byTier }),
    byStatus: t.field({ type: StatusCounts, description: 'Entries per status.', resolve: (stats) => stats.byStatus }),
    bySource: t.field({
      type: [SourceCount],
      description: 'Every source value present, most common first.',
      resolve: (stats) => stats.bySource,
    }),
    topGenres: t.field({
      type: [GenreCount],
      description: 'Most common genres first.',
      resolve: (stats) => stats.topGenres,
    }),
  }),
});

const FreshnessCounts = builder.objectRef<{ fresh: number; expired: number }>('FreshnessCounts').implement({
  description: 'Entries of one freshness tier, fresh or expired. fresh + expired = total.',
  fields: (t) => ({
    fresh: t.exposeInt('fresh', { description: freshnessDescription.fresh }),
    expired: t.exposeInt('expired', { description: freshnessDescription.expired }),
  }),
});

const TrackTableStats = builder.objectRef<TrackTableStatistics>('TrackTableStats').implement({
  description:
    'Statistics of the track cache. Freshness is the static tier’s; statsTier is the 24-hour statistics tier’s.',
  fields: (t) => ({
    total: t.exposeInt('total', { description: 'Rows in the table.' }),
    fresh: t.exposeInt('fresh', { description: freshnessDescription.fresh }),
    expiringSoon: t.exposeInt('expiringSoon', { description: freshnessDescription.expiringSoon }),
    expired: t.exposeInt('expired', { description: freshnessDescription.expired }),
    statsTier: t.field({
      type: FreshnessCounts,
      description:
        'Freshness of the tracks’ statistics tier (rating, view and skip counts, last played), which lives 24 hours.',
      resolve: (stats) => stats.statsTier,
    }),
    byTier: t.field({ type: TierCounts, description: 'Tracks per usage tier.', resolve: (stats) => stats.byTier }),
  }),
});

const ReadCountsRef = builder.objectRef<ReadCounts>('ReadCounts').implement({
  description: 'Outcomes of entry reads over one period. hits + staleHits + misses = reads.',
  fields: (t) => ({
    hits: t.exposeInt('hits', { description: 'Reads answered with a fresh entry.' }),
    staleHits: t.exposeInt('staleHits', { description: 'Reads answered with an expired entry (flagged isExpired).' }),
    misses: t.exposeInt('misses', { description: 'Reads the cache could not answer.' }),
    reads: t.exposeInt('reads', { description: 'Entry reads in the period.' }),
    hitRate: t.exposeFloat('hitRate', {
      nullable: true,
      description: '(hits + staleHits) / reads; null before the first read.',
    }),
    freshHitRate: t.exposeFloat('freshHitRate', {
      nullable: true,
      description: 'hits / reads; null before the first read.',
    }),
  }),
});

const EMPTY_COUNTS: ReadCounts = { hits: 0, staleHits: 0, misses: 0, reads: 0, hitRate: null, freshHitRate: null };

const ApiReadStats = builder.objectRef<ReadStatistics>('ApiReadStats').implement({
  description:
    'Outcomes of this API process’s entry reads (artist, album, track, lookupArtists, lookupAlbums; listings do not count) since it started and over the last 24 hours.',
  fields: (t) => ({
    since: t.expose('since', { type: 'DateTime', description: 'When this process started counting.' }),
    sinceStart: t.field({
      type: ReadCountsRef,
      description: 'Reads since the process started.',
      resolve: (reads) => reads.sinceStart,
    }),
    last24Hours: t.field({
      type: ReadCountsRef,
      description: 'Reads over the last 24 hours.',
      resolve: (reads) => reads.last24Hours,
    }),
  }),
});

const CacheStats = builder.objectRef<StatsRequest>('CacheStats').implement({
  description: 'What the cache holds, how fresh it is, and how it is used.',
  fields: (t) => ({
    at: t.field({
      type: 'DateTime',
      description:
        'The instant the figures are computed at (at most a second before the request: concurrent requests share one computation).',
      resolve: async (stats) => (await statisticsOf(stats)).at,
    }),
    artists: t.field({
      type: EntryTableStats,
      description: 'The artist cache.',
      resolve: async (stats) => (await statisticsOf(stats)).artists,
    }),
    albums: t.field({
      type: EntryTableStats,
      description: 'The album cache.',
      resolve: async (stats) => (await statisticsOf(stats)).albums,
    }),
    tracks: t.field({
      type: TrackTableStats,
      description: 'The track cache.',
      resolve: async (stats) => (await statisticsOf(stats)).tracks,
    }),
    audioFeatures: t.field({
      type: TableStats,
      description: 'Audio feature rows (one per analysed track).',
      resolve: async (stats) => ({ total: (await rowsOf(stats)).audioFeatures }),
    }),
    jobRuns: t.field({
      type: TableStats,
      description: 'The job history (runs are never removed by clearCache).',
      resolve: async (stats) => ({ total: (await rowsOf(stats)).jobRuns }),
    }),
    providers: t.field({
      type: [ProviderStats],
      description: 'Provider counters of this process, and the pauses of the whole installation.',
      resolve: (_stats, _args, context) => {
        const { providers } = context.deps;
        const all = providers.stats();
        // This process's pauses are the installation's: it follows every process's pause as it is
        // stored (pause-sync.ts), so no read of the database is needed here.
        return PROVIDER_NAMES.map((name) => ({ ...all[name], pause: providers.pause(name) }));
      },
    }),
    lastRuns: t.field({
      type: [JobRunRef],
      description: 'The newest run of each kind that has run.',
      resolve: (_stats, _args, context) => lastRunPerKind(context.db.prisma),
    }),
    reads: t.field({
      type: ApiReadStats,
      description: 'How this API process’s entry reads were answered: hits, stale hits and misses.',
      resolve: (stats) => stats.reads ?? { since: stats.at, sinceStart: EMPTY_COUNTS, last24Hours: EMPTY_COUNTS },
    }),
  }),
});

const MAX_TOP_GENRES = 100;

builder.queryField('cacheStats', (t) =>
  t.field({
    type: CacheStats,
    description:
      'Totals, freshness, tiers, sources and top genres of the cache tables; provider counters; last runs; API hit rate.',
    args: {
      topGenres: t.arg.int({
        defaultValue: 10,
        description: `How many genres topGenres lists per table, 0–${MAX_TOP_GENRES} (default 10).`,
      }),
    },
    resolve: (_root, args, context) => {
      const topGenres = args.topGenres ?? 10;
      if (!Number.isInteger(topGenres) || topGenres < 0 || topGenres > MAX_TOP_GENRES) {
        const message = `must be between 0 and ${MAX_TOP_GENRES} (got ${topGenres})`;
        throw new InvalidInputError(`topGenres ${message}`, [{ field: 'topGenres', message }]);
      }
      return {
        at: context.now,
        figures: once(() => context.statistics.get(context.now, topGenres)),
        reads: context.usage?.readStatistics(),
      };
    },
  }),
);
