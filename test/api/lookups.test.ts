// Read-through lookups for apps: every name answered at once, the missing and expired ones fetched now
// through the same merge rules, limiters and single-flight as the jobs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LookupAlbumsDocument, LookupArtistsDocument } from '../../src/generated/graphql.ts';
import { type Harness, startHarness } from '../support/harness.ts';
import { httpQuery } from '../support/graphql-clients.ts';
import { type ApiServer, startApiServer } from './support/api-server.ts';
import { dataOf, request } from './support/operations.ts';
import { FAST_ENV, populate } from './support/populate.ts';
import { refusal } from './support/results.ts';
import { NO_SCHEDULES } from './support/worker.ts';

type ReadCounts = { hits: number; staleHits: number; misses: number };

describe('lookupArtists and lookupAlbums', () => {
  let harness: Harness;
  let api: ApiServer;

  async function readCounts(): Promise<ReadCounts> {
    const response = await httpQuery<{ cacheStats: { reads: { sinceStart: ReadCounts } } }>(
      api.url,
      '{ cacheStats { reads { sinceStart { hits staleHits misses } } } }',
    );
    return response.data?.cacheStats.reads.sinceStart ?? { hits: -1, staleHits: -1, misses: -1 };
  }

  beforeAll(async () => {
    harness = await startHarness({ sims: { seed: 7, artists: 5 }, env: { ...FAST_ENV, ...NO_SCHEDULES } });
    await populate(harness, ['cache-warm']);
    api = await startApiServer(harness);
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    await harness?.close();
  });

  it('answers every name in order: cached, missing (fetched now), expired (refreshed), unknown, invalid', async () => {
    await harness.db.pool.query(`DELETE FROM artist_cache WHERE name_key = 'sigur ros'`);
    await harness.db.pool.query(
      `UPDATE artist_cache SET expires_at = now() - interval '1 day', fetched_at = now() - interval '200 days' WHERE name_key = 'acdc'`,
    );
    const { rows } = await harness.db.pool.query<{ fetched_at: Date }>(
      `SELECT fetched_at FROM artist_cache WHERE name_key = 'bjork'`,
    );
    const bjorkFetchedAt = rows[0]?.fetched_at.toISOString();
    expect(bjorkFetchedAt).toBeDefined();
    const before = await readCounts();
    const since = Date.now();
    const entries = dataOf(
      await request(api.url, LookupArtistsDocument, {
        names: ['björk', 'BJORK', 'Sigur Rós', 'AC/DC', 'Nobody Knows This Band', '   '],
      }),
    ).lookupArtists;
    expect(entries.map((entry) => entry?.name ?? null)).toEqual([
      'Björk',
      'Björk',
      'Sigur Rós',
      'AC/DC',
      'Nobody Knows This Band',
      null,
    ]);
    const [bjork, bjorkAgain, sigurRos, acdc, unknown, invalid] = entries;
    const fetchedNow = (entry: { fetchedAt: string } | null | undefined) =>
      new Date(entry?.fetchedAt ?? 0).getTime() >= since - 1000;
    // Björk was fresh in the cache (a hit): both spellings get the stored entry as it was.
    expect(bjork).toMatchObject({ status: 'OK', isExpired: false, fetchedAt: bjorkFetchedAt });
    expect(bjorkAgain).toEqual(bjork);
    // Sigur Rós was missing: fetched now.
    expect(sigurRos).toMatchObject({ status: 'OK', source: expect.stringContaining('lastfm'), isExpired: false });
    expect(sigurRos?.genres.length).toBeGreaterThan(0);
    expect(fetchedNow(sigurRos)).toBe(true);
    // AC/DC had expired: fetched again now, and fresh.
    expect(acdc?.isExpired).toBe(false);
    expect(fetchedNow(acdc)).toBe(true);
    // Nobody knows this band: an entry nobody knew, cached as EMPTY.
    expect(unknown).toMatchObject({ status: 'EMPTY', source: 'none', genres: [], isExpired: false, lastError: null });
    expect(fetchedNow(unknown)).toBe(true);
    // A name with no letters or digits has no entry.
    expect(invalid).toBeNull();
    // Björk was answered from the cache: no provider was asked about her; the others were fetched.
    const askedAbout = harness.sims.log.filter({ provider: 'lastfm', since }).map((entry) => entry.query.artist);
    expect(askedAbout).not.toContain('Björk');
    expect(askedAbout).toEqual(expect.arrayContaining(['Sigur Rós', 'AC/DC', 'Nobody Knows This Band']));
    // Two hits, one stale hit, two misses (the invalid name is not a read).
    expect(await readCounts()).toEqual({
      hits: before.hits + 2,
      staleHits: before.staleHits + 1,
      misses: before.misses + 2,
    });
  });

  it('records a read of each answered entry (a name asked twice: two reads), written at the next flush', async () => {
    const useCounts = async () => {
      const { rows } = await harness.db.pool.query<{ name_key: string; use_count: number }>(
        `SELECT name_key, use_count FROM artist_cache WHERE name_key IN ('bjork', 'acdc')`,
      );
      return Object.fromEntries(rows.map((row) => [row.name_key, row.use_count]));
    };
    await api.usage.flushAll();
    const before = await useCounts();
    dataOf(await request(api.url, LookupArtistsDocument, { names: ['Björk', 'AC/DC', 'bjork', '   '] }));
    await api.usage.flushAll();
    expect(await useCounts()).toEqual({ bjork: (before.bjork ?? -1) + 2, acdc: (before.acdc ?? -1) + 1 });
  });

  it('fetches a name asked for twice at the same time once (single-flight)', async () => {
    await harness.db.pool.query(`DELETE FROM artist_cache WHERE name_key = 'guns n roses'`);
    const since = Date.now();
    const [first, second] = await Promise.all([
      request(api.url, LookupArtistsDocument, { names: ["Guns N' Roses"] }),
      request(api.url, LookupArtistsDocument, { names: ['Guns N’ Roses', 'guns n roses'] }),
    ]);
    const entries = [...dataOf(first).lookupArtists, ...dataOf(second).lookupArtists];
    // One entry answers all three: spelled as the request that led the one fetch spelled it (either may lead).
    const names = new Set(entries.map((entry) => entry?.name));
    expect(names.size).toBe(1);
    expect(["Guns N' Roses", 'Guns N’ Roses']).toContain([...names][0]);
    const calls = harness.sims.log
      .filter({ provider: 'lastfm', since })
      .filter((entry) => entry.query.method === 'artist.gettoptags');
    expect(calls).toHaveLength(1);
  });

  it('refuses more than 500 names with INVALID_INPUT and fetches nothing', async () => {
    const since = Date.now();
    const names = Array.from({ length: 501 }, (_, index) => `Band ${index}`);
    const refused = refusal(await request(api.url, LookupArtistsDocument, { names }));
    expect(refused).toEqual({
      message: 'names: at most 500 per lookup (got 501)',
      extensions: { code: 'INVALID_INPUT', problems: [{ field: 'names', message: 'at most 500 (got 501)' }] },
    });
    expect(harness.sims.log.filter({ since })).toEqual([]);
    const { rows } = await harness.db.pool.query<{ count: number }>(
      `SELECT count(*)::int AS count FROM artist_cache WHERE name_key LIKE 'band %'`,
    );
    expect(rows[0]?.count).toBe(0);
    expect(dataOf(await request(api.url, LookupArtistsDocument, { names: [] })).lookupArtists).toEqual([]);
  });

  it('answers albums the same way: fetched when missing, then from the cache', async () => {
    const truth = harness.sims.library.album(1);
    const fetchedSince = Date.now();
    const first = dataOf(
      await request(api.url, LookupAlbumsDocument, {
        albums: [
          { artist: truth.artistName, title: truth.title },
          { artist: '', title: 'Untitled' },
        ],
      }),
    ).lookupAlbums;
    expect(first.map((album) => album?.title ?? null)).toEqual([truth.title, null]);
    expect(first[0]).toMatchObject({ artistName: truth.artistName, title: truth.title, isExpired: false });
    expect(first[0]?.genres.length).toBeGreaterThan(0);
    // It was missing: the providers were asked about it now.
    const askedAbout = harness.sims.log
      .filter({ provider: 'lastfm', since: fetchedSince })
      .map((entry) => entry.query.album);
    expect(askedAbout).toContain(truth.title);
    const since = Date.now();
    const again = dataOf(
      await request(api.url, LookupAlbumsDocument, {
        albums: [{ artist: truth.artistName.toLowerCase(), title: truth.title.toUpperCase() }],
      }),
    ).lookupAlbums;
    // Now a hit: the same entry, and no provider asked.
    expect(again).toEqual([first[0]]);
    expect(harness.sims.log.filter({ since })).toEqual([]);
  });
});
