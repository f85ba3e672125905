// Cache statistics against the real PostgreSQL: every figure is checked against a computation in
// TypeScript over all rows (tiers by classifyTier), after seeding and after writes of every kind, so
// the trigger-kept counters and the index range counts are both held to the rows themselves.
import { readFile } from 'node:fs/promises';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArtistWrite } from '../../src/cache/storage/artist-cache.ts';
import { upsertArtists } from '../../src/cache/storage/artist-cache.ts';
import { countRowTotals } from '../../src/cache/storage/statistics/count-row-totals.ts';
import { getCacheStatistics } from '../../src/cache/use-cases/statistics/get-cache-statistics.ts';
import { recountFacetCounts } from '../../src/cache/storage/statistics/recount-facets.ts';
import type { StatisticsSettings } from '../../src/cache/policy/statistics-bounds.ts';
import type {
  CacheStatistics,
  EntryTableStatistics,
  TrackTableStatistics,
} from '../../src/cache/use-cases/statistics/statistics.ts';
import { countTableTotals } from '../../src/cache/storage/statistics/table-totals.ts';
import { classifyTier } from '../../src/cache/policy/tiers.ts';
import { recordArtistUsage } from '../../src/cache/storage/artist-cache.ts';
import type { Queryable } from '../../src/db/queryable.ts';
import type { EntryStatus, UsageTier } from '../../src/types.ts';
import { openTestDatabase } from '../support/database.ts';

const DAY = 86_400_000;
const NOW = new Date('2026-11-26T12:00:00.000Z');
const refresh: StatisticsSettings = { lookaheadDays: 7, hotDays: 30, warmDays: 180, coldDays: 365, refreshCold: false };
const config = { refresh };

// Deterministic rows (no random()), with every edge the statistics must classify: expiry exactly at now
// and exactly at the end of the lookahead, last use exactly on the tier bounds, never used, NULL and
// empty genre arrays, a genre repeated within one entry, a NULL genre element, and two genres tied in
// count whose order differs between code point and locale collation ('tie-B' < 'tie-a' in code points).
const SEED_ARTISTS = `
INSERT INTO artist_cache (name_key, name, genres, source, status, expires_at, last_used_at, use_count)
SELECT 'artist-' || i, 'Artist ' || i,
       CASE WHEN i % 23 = 0 THEN NULL
            WHEN i % 11 = 0 THEN '{}'::text[]
            WHEN i % 17 = 0 THEN ARRAY['rock', 'rock', 'Électro']
            WHEN i % 29 = 0 THEN ARRAY[NULL, 'jazz']
            WHEN i % 5 = 0 THEN ARRAY['tie-a', 'tie-B', 'g' || (i % 7)]
            ELSE ARRAY['g' || (i % 7), 'g' || (7 + i % 13), 'h' || (i % 101)] END,
       (ARRAY['{plex,lastfm}', '{lastfm}', '{plex}', '{}', '{plex,lastfm,musicbrainz}', '{spotify}'])[1 + i % 6]::text[],
       (ARRAY['ok', 'ok', 'ok', 'empty', 'partial', 'error'])[1 + (i / 3) % 6]::entry_status,
       CASE WHEN i % 997 = 0 THEN $1::timestamptz
            WHEN i % 991 = 0 THEN $1::timestamptz + interval '7 days'
            ELSE $1::timestamptz + ((i * 37) % 5000 - 1000) * interval '1 hour' END,
       CASE WHEN i % 4 = 0 THEN NULL
            WHEN i % 499 = 0 THEN $1::timestamptz - interval '30 days'
            WHEN i % 503 = 0 THEN $1::timestamptz - interval '180 days'
            ELSE $1::timestamptz - ((i * 7919) % 12000 - 100) * interval '1 hour' END,
       i % 9
  FROM generate_series(1, $2::integer) AS i`;

const SEED_ALBUMS = `
INSERT INTO album_cache (artist_key, title_key, artist_name, title, genres, source, status, expires_at, last_used_at)
SELECT 'artist-' || (i % 3000), 'album-' || i, 'Artist', 'Album ' || i,
       CASE WHEN i % 13 = 0 THEN '{}'::text[] ELSE ARRAY['a' || (i % 5), 'b' || (i % 31)] END,
       (ARRAY['{lastfm}', '{plex,lastfm}', '{artist}', '{}'])[1 + i % 4]::text[],
       (ARRAY['ok', 'ok', 'empty', 'partial'])[1 + i % 4]::entry_status,
       $1::timestamptz + ((i * 53) % 3000 - 500) * interval '1 hour',
       CASE WHEN i % 3 = 0 THEN NULL ELSE $1::timestamptz - ((i * 389) % 9000) * interval '1 hour' END
  FROM generate_series(1, $2::integer) AS i`;

const SEED_TRACKS = `
INSERT INTO track_cache (rating_key, title, artist_name, artist_key, static_expires_at, stats_expires_at, last_used_at)
SELECT 't' || i, 'Track ' || i, 'Artist', 'artist-' || (i % 3000),
       CASE WHEN i % 991 = 0 THEN $1::timestamptz + interval '7 days'
            ELSE $1::timestamptz + ((i * 61) % 2500 - 300) * interval '1 hour' END,
       CASE WHEN i % 997 = 0 THEN $1::timestamptz ELSE $1::timestamptz + ((i * 13) % 48 - 20) * interval '1 hour' END,
       CASE WHEN i % 2 = 0 THEN NULL
            WHEN i % 499 = 0 THEN $1::timestamptz - interval '30 days'
            WHEN i % 503 = 0 THEN $1::timestamptz - interval '180 days'
            ELSE $1::timestamptz - ((i * 101) % 6000) * interval '1 hour' END
  FROM generate_series(1, $2::integer) AS i`;

// ---- the independent computation ----

interface EntryFacts {
  genres: (string | null)[] | null;
  source: string;
  status: EntryStatus;
  expiresAt: Date;
  lastUsedAt: Date | null;
}

function codePointOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function tierCounts(lastUsed: (Date | null)[], now: Date): Record<UsageTier, number> {
  const counts: Record<UsageTier, number> = { hot: 0, warm: 0, cold: 0 };
  for (const at of lastUsed) counts[classifyTier(at, now, refresh)] += 1;
  return counts;
}

function freshness(expiries: Date[], now: Date) {
  const soon = now.getTime() + refresh.lookaheadDays * DAY;
  const expired = expiries.filter((at) => at.getTime() <= now.getTime()).length;
  return {
    fresh: expiries.length - expired,
    expiringSoon: expiries.filter((at) => at.getTime() > now.getTime() && at.getTime() <= soon).length,
    expired,
  };
}

function expectedEntryTable(rows: EntryFacts[], now: Date, topN: number): EntryTableStatistics {
  const byStatus: Record<EntryStatus, number> = { ok: 0, empty: 0, partial: 0, error: 0 };
  const sources = new Map<string, number>();
  const genres = new Map<string, number>();
  for (const row of rows) {
    byStatus[row.status] += 1;
    sources.set(row.source, (sources.get(row.source) ?? 0) + 1);
    for (const genre of new Set(row.genres ?? [])) if (genre !== null) genres.set(genre, (genres.get(genre) ?? 0) + 1);
  }
  return {
    total: rows.length,
    ...freshness(
      rows.map((row) => row.expiresAt),
      now,
    ),
    byTier: tierCounts(
      rows.map((row) => row.lastUsedAt),
      now,
    ),
    byStatus,
    bySource: [...sources]
      .map(([source, count]) => ({ source, count }))
      .sort((a, b) => b.count - a.count || codePointOrder(a.source, b.source)),
    topGenres: [...genres]
      .map(([genre, count]) => ({ genre, count }))
      .sort((a, b) => b.count - a.count || codePointOrder(a.genre, b.genre))
      .slice(0, topN),
  };
}

async function expectedStatistics(db: Queryable, now: Date, topN = 10): Promise<CacheStatistics> {
  const entryColumns = `genres, cache_source_text(source) AS source, status::text AS status, expires_at AS "expiresAt", last_used_at AS "lastUsedAt"`;
  const artists = await db.query<EntryFacts>(`SELECT ${entryColumns} FROM artist_cache`);
  const albums = await db.query<EntryFacts>(`SELECT ${entryColumns} FROM album_cache`);
  const tracks = await db.query<{ staticExpiresAt: Date; statsExpiresAt: Date; lastUsedAt: Date | null }>(
    `SELECT static_expires_at AS "staticExpiresAt", stats_expires_at AS "statsExpiresAt", last_used_at AS "lastUsedAt" FROM track_cache`,
  );
  const statsTier = freshness(
    tracks.rows.map((row) => row.statsExpiresAt),
    now,
  );
  const trackStatistics: TrackTableStatistics = {
    total: tracks.rows.length,
    ...freshness(
      tracks.rows.map((row) => row.staticExpiresAt),
      now,
    ),
    statsTier: { fresh: statsTier.fresh, expired: statsTier.expired },
    byTier: tierCounts(
      tracks.rows.map((row) => row.lastUsedAt),
      now,
    ),
  };
  return {
    at: now,
    artists: expectedEntryTable(artists.rows, now, topN),
    albums: expectedEntryTable(albums.rows, now, topN),
    tracks: trackStatistics,
  };
}

// ---- plan inspection: every statistics statement must be answerable without reading whole tables ----

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Cond'?: string;
  'Recheck Cond'?: string;
  Plans?: PlanNode[];
}

const CACHE_TABLES = new Set(['artist_cache', 'album_cache', 'track_cache']);

/** Cache tables that a plan reads whole: a sequential scan, or an index or bitmap scan without a condition. */
function wholeTableReads(node: PlanNode, into: string[] = []): string[] {
  const relation = node['Relation Name'];
  if (relation && CACHE_TABLES.has(relation)) {
    if (node['Index Cond'] === undefined && node['Recheck Cond'] === undefined) into.push(relation);
  }
  for (const child of node.Plans ?? []) wholeTableReads(child, into);
  return into;
}

/** A Queryable that EXPLAINs each statement (with sequential scans disabled) before running it. */
function explainingQueryable(client: pg.PoolClient, plans: PlanNode[]): Queryable {
  const query = async (text: string, values?: unknown[]) => {
    const explained = await client.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(
      `EXPLAIN (FORMAT JSON) ${text}`,
      values,
    );
    const plan = explained.rows[0]?.['QUERY PLAN'][0]?.Plan;
    if (plan) plans.push(plan);
    return await client.query(text, values);
  };
  return { query: query as Queryable['query'] };
}

const DELTAS_MIGRATION = '20261207010000_counter_deltas';

/** Undoes the deltas' migration (its tables, views and functions), so that older migrations can be replayed before it. */
async function dropCounterDeltas(client: pg.PoolClient): Promise<void> {
  await client.query('DROP VIEW cache_facet_count_entries, cache_time_bucket_entries');
  await client.query('DROP TABLE cache_facet_count_deltas, cache_time_bucket_deltas');
  await client.query('DROP FUNCTION cache_counter_deltas_fold, cache_counter_fold_lock');
}

describe('cache statistics', () => {
  let db: Awaited<ReturnType<typeof openTestDatabase>>;

  beforeAll(async () => {
    db = await openTestDatabase();
    await db.pool.query(SEED_ARTISTS, [NOW, 20_000]);
    await db.pool.query(SEED_ALBUMS, [NOW, 8_000]);
    await db.pool.query(SEED_TRACKS, [NOW, 12_000]);
  });
  afterAll(async () => {
    await db.close();
  });

  it('match a computation over every row, at several points in time', async () => {
    for (const now of [NOW, new Date(NOW.getTime() + 3 * DAY), new Date(NOW.getTime() - 40 * DAY)]) {
      const statistics = await getCacheStatistics(db.pool, now, config);
      expect(statistics).toEqual(await expectedStatistics(db.pool, now));
    }
  });

  it('count the seeded edges the way the rest of the cache does', async () => {
    const statistics = await getCacheStatistics(db.pool, NOW, config);
    const { artists } = statistics;
    expect(artists.total).toBe(20_000);
    expect(artists.fresh + artists.expired).toBe(artists.total);
    expect(artists.byTier.hot + artists.byTier.warm + artists.byTier.cold).toBe(artists.total);
    expect(artists.bySource.reduce((sum, entry) => sum + entry.count, 0)).toBe(artists.total);
    // Ties break by code point: 'B' (U+0042) before 'a' (U+0061).
    const tied = artists.topGenres.filter((entry) => entry.genre.startsWith('tie-')).map((entry) => entry.genre);
    expect(tied).toEqual(['tie-B', 'tie-a']);
    // Expiry exactly at now is expired; exactly at the lookahead's end is expiring soon.
    const atNow = await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM artist_cache WHERE expires_at = $1', [
      NOW,
    ]);
    expect(Number(atNow.rows[0]?.n)).toBeGreaterThan(0);
    // The repeated 'rock' counts once per entry.
    const all = await getCacheStatistics(db.pool, NOW, config, { topGenres: 1_000 });
    const rockEntries = await db.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM artist_cache WHERE 'rock' = ANY(genres)`,
    );
    expect(all.artists.topGenres.find((entry) => entry.genre === 'rock')?.count).toBe(Number(rockEntries.rows[0]?.n));
  });

  it('list as many top genres as asked, separately for artists and albums', async () => {
    const statistics = await getCacheStatistics(db.pool, NOW, config, { topGenres: 3 });
    const expected = await expectedStatistics(db.pool, NOW, 3);
    expect(statistics.artists.topGenres).toHaveLength(3);
    expect(statistics.artists.topGenres).toEqual(expected.artists.topGenres);
    expect(statistics.albums.topGenres).toEqual(expected.albums.topGenres);
    expect(statistics.albums.topGenres.every((entry) => /^[ab]\d+$/.test(entry.genre))).toBe(true);
    expect((await getCacheStatistics(db.pool, NOW, config, { topGenres: 0 })).artists.topGenres).toEqual([]);
    await expect(getCacheStatistics(db.pool, NOW, config, { topGenres: -1 })).rejects.toThrow(RangeError);
  });

  it('stay exact through upserts, usage writes, deletes and truncation', async () => {
    const write = (key: string, genres: string[], source: string, status: EntryStatus): ArtistWrite => ({
      nameKey: key,
      name: key,
      plexRatingKey: null,
      musicbrainzId: null,
      genres,
      styles: [],
      moods: [],
      source,
      status,
      rawTags: {},
      fetchedAt: NOW,
      expiresAt: new Date(NOW.getTime() + 2 * DAY),
      lastError: null,
    });
    // Existing entries change genres, source and status; new ones arrive; all in one statement.
    await upsertArtists(db.pool, [
      ...Array.from({ length: 300 }, (_, i) => write(`artist-${i + 1}`, ['rock', `new-${i % 4}`], 'lastfm', 'partial')),
      ...Array.from({ length: 200 }, (_, i) => write(`fresh-${i}`, ['tie-a'], 'plex', 'ok')),
    ]);
    await recordArtistUsage(
      db.pool,
      Array.from({ length: 500 }, (_, i) => ({ key: `artist-${i * 7 + 1}`, lastUsedAt: NOW, uses: 2 })),
    );
    await db.pool.query(`DELETE FROM artist_cache WHERE name_key LIKE 'artist-1%'`);
    await db.pool.query(
      `UPDATE album_cache SET genres = array_append(genres, 'added'), status = 'ok' WHERE id % 3 = 0`,
    );
    expect(await getCacheStatistics(db.pool, NOW, config)).toEqual(await expectedStatistics(db.pool, NOW));

    // Writers in parallel, sharing genres, sources and statuses: no deadlock, no lost count.
    await Promise.all(
      Array.from({ length: 12 }, (_, batch) =>
        upsertArtists(
          db.pool,
          Array.from({ length: 100 }, (_, i) =>
            write(
              `parallel-${batch}-${i}`,
              [`p${(i + batch) % 9}`, `p${(i * 7 + batch) % 9}`, 'rock'],
              batch % 2 ? 'plex' : 'lastfm',
              'ok',
            ),
          ),
        ),
      ),
    );
    expect(await getCacheStatistics(db.pool, NOW, config)).toEqual(await expectedStatistics(db.pool, NOW));

    await db.pool.query('TRUNCATE album_cache');
    const afterTruncate = await getCacheStatistics(db.pool, NOW, config);
    expect(afterTruncate).toEqual(await expectedStatistics(db.pool, NOW));
    expect(afterTruncate.albums.total).toBe(0);
    expect(afterTruncate.albums.topGenres).toEqual([]);
    expect(afterTruncate.artists.total).toBeGreaterThan(0);
    await db.pool.query(SEED_ALBUMS, [NOW, 8_000]);
  });

  it('make no writer wait for another transaction that changed the same counters, and fold their changes', async () => {
    const insert = `INSERT INTO artist_cache (name_key, name, genres, source, status, expires_at)
                    VALUES ($1, $1, ARRAY['rock'], ARRAY['plex'], 'ok', $2)`;
    const expires = new Date(NOW.getTime() + 2 * DAY);
    const open = await db.pool.connect();
    const writer = await db.pool.connect();
    try {
      // An open transaction has counted an entry with the genre, source, status and expiry day of
      // every write below.
      await open.query('BEGIN');
      await open.query(insert, ['held-open', expires]);
      // Each write would queue behind it on a shared counter row; lock_timeout makes that an error.
      await writer.query(`SET lock_timeout = '3s'`);
      for (let i = 0; i < 70; i++) await writer.query(insert, [`beside-open-${i}`, expires]);
      await writer.query(`UPDATE artist_cache SET status = 'partial' WHERE name_key LIKE 'beside-open-%'`);
      await writer.query(`DELETE FROM artist_cache WHERE name_key = 'beside-open-0'`);
      await open.query('ROLLBACK');
      expect(await getCacheStatistics(db.pool, NOW, config)).toEqual(await expectedStatistics(db.pool, NOW));

      // Folded every 64th write statement: 130 more statements leave fewer delta rows than they wrote.
      for (let i = 0; i < 130; i++) await writer.query(insert, [`folded-${i}`, expires]);
      const deltas = async () =>
        Number((await db.pool.query('SELECT count(*) FROM cache_time_bucket_deltas')).rows[0].count);
      expect(await deltas()).toBeLessThan(130);
      expect(await getCacheStatistics(db.pool, NOW, config)).toEqual(await expectedStatistics(db.pool, NOW));
      // A fold moves every delta into the counters and changes no figure.
      expect((await db.pool.query('SELECT cache_counter_deltas_fold() AS folded')).rows[0].folded).toBe(true);
      expect(await deltas()).toBe(0);
      expect(Number((await db.pool.query('SELECT count(*) FROM cache_facet_count_deltas')).rows[0].count)).toBe(0);
      expect(await getCacheStatistics(db.pool, NOW, config)).toEqual(await expectedStatistics(db.pool, NOW));
    } finally {
      await open.query('ROLLBACK').catch(() => undefined);
      open.release();
      writer.release();
    }
  });

  it('are rebuilt exactly by recountFacetCounts after writes that bypassed the triggers', async () => {
    await db.pool.query('ALTER TABLE artist_cache DISABLE TRIGGER USER');
    try {
      await db.pool.query(
        `INSERT INTO artist_cache (name_key, name, genres, source, status, expires_at)
                           SELECT 'bypass-' || i, 'b', ARRAY['bypass'], ARRAY['plex'], 'ok', $1 FROM generate_series(1, 50) i`,
        [NOW],
      );
    } finally {
      await db.pool.query('ALTER TABLE artist_cache ENABLE TRIGGER USER');
    }
    const stale = await getCacheStatistics(db.pool, NOW, config);
    const truth = await expectedStatistics(db.pool, NOW);
    expect(stale.artists.total).toBe(truth.artists.total - 50);
    await recountFacetCounts(db.pool);
    expect(await getCacheStatistics(db.pool, NOW, config)).toEqual(truth);
  });

  it('are backfilled by the migration from rows that existed before it, and kept through source becoming an array', async () => {
    const migration = (name: string) =>
      readFile(new URL(`../../prisma/migrations/${name}/migration.sql`, import.meta.url), 'utf8');
    const facetsMigration = await migration('20261126020000_cache_stats');
    const sourceArrayMigration = await migration('20261203010000_source_array');
    const deltasMigration = await migration(DELTAS_MIGRATION);
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      // Back to the state before the three migrations (with the current rows): source as comma-joined
      // text, no counters. Then the counters' migration (its backfill counts the text), the array
      // migration, and the deltas' migration.
      await dropCounterDeltas(client);
      await client.query('DROP TABLE cache_facet_counts');
      await client.query('DROP FUNCTION cache_facet_counts_apply, cache_facet_counts_reset CASCADE');
      for (const table of ['artist_cache', 'album_cache']) {
        await client.query(`DROP INDEX ${table}_source_idx`);
        await client.query(
          `ALTER TABLE ${table} ALTER COLUMN source DROP DEFAULT,
             ALTER COLUMN source TYPE text USING cache_source_text(source),
             ALTER COLUMN source SET DEFAULT 'none', ALTER COLUMN source SET NOT NULL,
             ADD COLUMN source_keys text[] GENERATED ALWAYS AS (string_to_array(source, ',')) STORED`,
        );
        await client.query(`CREATE INDEX ${table}_source_idx ON ${table} (source)`);
        await client.query(`CREATE INDEX ${table}_source_keys_idx ON ${table} USING GIN (source_keys)`);
      }
      await client.query('DROP FUNCTION cache_source_text');
      await client.query(facetsMigration);
      await client.query(sourceArrayMigration);
      await client.query(deltasMigration);
      expect(await getCacheStatistics(client, NOW, config)).toEqual(await expectedStatistics(client, NOW));
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });

  it('are backfilled by the day-bucket migration from rows that existed before it', async () => {
    const migration = (name: string) =>
      readFile(new URL(`../../prisma/migrations/${name}/migration.sql`, import.meta.url), 'utf8');
    const bucketsMigration = await migration('20261202060000_statistics_buckets');
    const deltasMigration = await migration(DELTAS_MIGRATION);
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      await dropCounterDeltas(client);
      await client.query('DROP TABLE cache_time_buckets');
      await client.query('DROP SEQUENCE cache_statistics_generation');
      await client.query('DROP FUNCTION cache_time_buckets_apply, cache_time_buckets_reset, cache_time_bucket CASCADE');
      await client.query(bucketsMigration);
      await client.query(deltasMigration);
      expect(await getCacheStatistics(client, NOW, config)).toEqual(await expectedStatistics(client, NOW));
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });

  it('answer every figure from counters and one-day index ranges; none reads a whole table or index', async () => {
    const client = await db.pool.connect();
    const plans: PlanNode[] = [];
    try {
      // With sequential scans disabled the planner still picks one where no index can serve a subquery.
      await client.query('SET enable_seqscan = off');
      await getCacheStatistics(explainingQueryable(client, plans), NOW, config);
    } finally {
      await client.query('RESET enable_seqscan');
      client.release();
    }
    expect(plans).toHaveLength(3);
    expect(plans.flatMap((plan) => wholeTableReads(plan))).toEqual([]);
  });

  it('leave countTableTotals agreeing with them', async () => {
    const [totals, statistics, rows] = await Promise.all([
      countTableTotals(db.pool),
      getCacheStatistics(db.pool, NOW, config),
      countRowTotals(db.pool),
    ]);
    expect(rows).toEqual({ audioFeatures: totals.audioFeatures, jobRuns: totals.jobRuns });
    expect(totals.artists).toBe(statistics.artists.total);
    expect(totals.albums).toBe(statistics.albums.total);
    expect(totals.tracks).toBe(statistics.tracks.total);
  });
});
