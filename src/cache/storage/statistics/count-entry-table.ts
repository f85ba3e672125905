// Statistics of artist_cache or album_cache in one statement (one snapshot, so the figures add up), in
// time independent of the table's size. What does not depend on the clock (total, status, source,
// genres) is read from cache_facet_counts (with the changes not folded into it yet: a few rows per
// value, summed); what does (freshness, tiers) from the day buckets of
// cache_time_buckets plus a range scan of the one day each bound falls in (time-buckets.ts). Both are
// kept by triggers per write statement.
// Raw SQL: a dozen scalar subqueries over counters, buckets and index ranges in one statement (one
// snapshot); Prisma would send each as a query of its own.
import type { Queryable } from '../../../db/queryable.ts';
import type { EntryStatus } from '../../../types.ts';
import type { StatisticsBounds } from '../../policy/statistics-bounds.ts';
import type { EntryTableStatistics, GenreCount, SourceCount } from '../../use-cases/statistics/statistics.ts';
import { type BucketedColumn, countNull, countUpTo } from './time-buckets.ts';

const TABLES = {
  artists: { table: 'artist_cache', entity: 'artist' },
  albums: { table: 'album_cache', entity: 'album' },
} as const;

export type EntryTable = keyof typeof TABLES;

const ENTRY_STATUSES: readonly EntryStatus[] = ['ok', 'empty', 'partial', 'error'];

// Ties in the genre ranking break by code point order (COLLATE "C"), the same on every server locale.
function statement(table: string, entity: string): string {
  const expires: BucketedColumn = { table, entity, column: 'expires_at' };
  const used: BucketedColumn = { table, entity, column: 'last_used_at' };
  return `
SELECT ${countUpTo(expires, '$1', true)} AS "expired",
       ${countUpTo(expires, '$2', true)} AS "expiredBySoon",
       ${countUpTo(used, '$3', false)} AS "usedBeforeHot",
       ${countUpTo(used, '$4', false)} AS "usedBeforeWarm",
       ${countNull(used)} AS "neverUsed",
       (SELECT coalesce(jsonb_agg(jsonb_build_array(facet, value, entries)), '[]')
          FROM (SELECT facet, value, sum(entries)::int AS entries FROM cache_facet_count_entries
                 WHERE entity = $5 AND facet IN ('status', 'source') GROUP BY facet, value HAVING sum(entries) > 0) AS facets) AS "facets",
       (SELECT coalesce(jsonb_agg(jsonb_build_array(value, entries) ORDER BY entries DESC, value COLLATE "C"), '[]')
          FROM (SELECT value, sum(entries)::int AS entries FROM cache_facet_count_entries WHERE entity = $5 AND facet = 'genre'
                 GROUP BY value HAVING sum(entries) > 0
                 ORDER BY entries DESC, value COLLATE "C" LIMIT $6) AS top) AS "topGenres"`;
}

const STATEMENTS = {
  artists: statement(TABLES.artists.table, TABLES.artists.entity),
  albums: statement(TABLES.albums.table, TABLES.albums.entity),
};

interface Row {
  expired: string;
  expiredBySoon: string;
  usedBeforeHot: string;
  usedBeforeWarm: string;
  neverUsed: string;
  facets: Array<[facet: 'status' | 'source', value: string, entries: number]>;
  topGenres: Array<[genre: string, entries: number]>;
}

export async function countEntryTable(
  db: Queryable,
  which: EntryTable,
  bounds: StatisticsBounds,
  topGenres: number,
): Promise<EntryTableStatistics> {
  const { table, entity } = TABLES[which];
  const { rows } = await db.query<Row>(STATEMENTS[which], [
    bounds.now,
    bounds.expiringBefore,
    bounds.hotSince,
    bounds.warmSince,
    entity,
    topGenres,
  ]);
  const row = rows[0];
  if (!row) throw new Error(`statistics query on ${table} returned no row`);

  const byStatus = Object.fromEntries(ENTRY_STATUSES.map((status) => [status, 0])) as Record<EntryStatus, number>;
  const bySource: SourceCount[] = [];
  for (const [facet, value, entries] of row.facets) {
    if (facet === 'status') byStatus[value as EntryStatus] = entries;
    else bySource.push({ source: value, count: entries });
  }
  bySource.sort((a, b) => b.count - a.count || (a.source < b.source ? -1 : a.source > b.source ? 1 : 0));
  // Every entry has exactly one status, so the status counters sum to the row count.
  const total = Object.values(byStatus).reduce((sum, count) => sum + count, 0);
  const expired = Number(row.expired);
  const usedBeforeHot = Number(row.usedBeforeHot);
  const hot = total - Number(row.neverUsed) - usedBeforeHot;
  const warm = usedBeforeHot - Number(row.usedBeforeWarm);
  return {
    total,
    fresh: total - expired,
    expiringSoon: Number(row.expiredBySoon) - expired,
    expired,
    byTier: { hot, warm, cold: total - hot - warm },
    byStatus,
    bySource,
    topGenres: row.topGenres.map(([genre, count]): GenreCount => ({ genre, count })),
  };
}
