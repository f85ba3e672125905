// Statistics of artist_cache or album_cache in one statement (one snapshot, so the figures add up).
// What does not depend on the clock (total, status, source, genres) is read from cache_facet_counts, which
// triggers keep per write; what does (freshness, tiers) is counted by range scans over the expires_at and
// last_used_at indexes, which refresh needs anyway. No part of it reads every row or unnests genres.
import type { Queryable } from '../../db/queryable.ts';
import type { EntryStatus } from '../../types.ts';
import type { StatisticsBounds } from './statistics-bounds.ts';
import type { EntryTableStatistics, GenreCount, SourceCount } from './statistics.ts';

const TABLES = {
  artists: { table: 'artist_cache', entity: 'artist' },
  albums: { table: 'album_cache', entity: 'album' },
} as const;

export type EntryTable = keyof typeof TABLES;

const ENTRY_STATUSES: readonly EntryStatus[] = ['ok', 'empty', 'partial', 'error'];

// Ties in the genre ranking break by code point order (COLLATE "C"), the same on every server locale.
function statement(table: string): string {
  return `
SELECT (SELECT count(*) FROM ${table} WHERE expires_at <= $1) AS "expired",
       (SELECT count(*) FROM ${table} WHERE expires_at > $1 AND expires_at <= $2) AS "expiringSoon",
       (SELECT count(*) FROM ${table} WHERE last_used_at >= $3) AS "hot",
       (SELECT count(*) FROM ${table} WHERE last_used_at >= $4 AND last_used_at < $3) AS "warm",
       (SELECT coalesce(jsonb_agg(jsonb_build_array(facet, value, entries)), '[]')
          FROM cache_facet_counts WHERE entity = $5 AND facet IN ('status', 'source') AND entries > 0) AS "facets",
       (SELECT coalesce(jsonb_agg(jsonb_build_array(value, entries) ORDER BY entries DESC, value COLLATE "C"), '[]')
          FROM (SELECT value, entries FROM cache_facet_counts WHERE entity = $5 AND facet = 'genre' AND entries > 0
                 ORDER BY entries DESC, value COLLATE "C" LIMIT $6) AS top) AS "topGenres"`;
}

interface Row {
  expired: string;
  expiringSoon: string;
  hot: string;
  warm: string;
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
  const { rows } = await db.query<Row>(statement(table), [
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
  const hot = Number(row.hot);
  const warm = Number(row.warm);
  return {
    total,
    fresh: total - expired,
    expiringSoon: Number(row.expiringSoon),
    expired,
    byTier: { hot, warm, cold: total - hot - warm },
    byStatus,
    bySource,
    topGenres: row.topGenres.map(([genre, count]): GenreCount => ({ genre, count })),
  };
}
