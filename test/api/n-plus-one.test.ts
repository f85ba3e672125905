// No N+1: a page of entries with their related entries costs a bounded number of SQL statements,
// whatever the page size. The statements are counted on the pool the API uses.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlbumWrite } from '../../src/cache/storage/album-cache.ts';
import { upsertAlbums } from '../../src/cache/storage/album-cache.ts';
import type { ArtistWrite } from '../../src/cache/storage/artist-cache.ts';
import { upsertArtists } from '../../src/cache/storage/artist-cache.ts';
import { AlbumsWithArtistsDocument } from '../../src/generated/graphql.ts';
import { type Harness, startHarness } from '../support/harness.ts';
import { httpQuery } from '../support/graphql-clients.ts';
import { type ApiServer, startApiServer } from './support/api-server.ts';
import { dataOf, request } from './support/operations.ts';
import { countStatements, type StatementCounter } from './support/statement-counter.ts';
import { NO_SCHEDULES } from './support/worker.ts';

const ARTISTS = 100;
const ALBUMS_PER_ARTIST = 6;
// Statements that read the cache; the process registry's heartbeat may share the pool meanwhile.
const CACHE_TABLES = /\b(artist_cache|album_cache|track_cache|audio_features)\b/;

function entry(now: Date) {
  return {
    plexRatingKey: null,
    musicbrainzId: null,
    genres: ['Rock', 'Indie Rock'],
    styles: [],
    moods: [],
    source: 'lastfm',
    status: 'ok' as const,
    rawTags: {},
    fetchedAt: now,
    expiresAt: new Date(now.getTime() + 86_400_000),
    lastError: null,
  };
}

describe('a page of 500 albums with their artists', () => {
  let harness: Harness;
  let api: ApiServer;
  let counter: StatementCounter;

  beforeAll(async () => {
    harness = await startHarness({ sims: { artists: 1 }, env: NO_SCHEDULES });
    const now = new Date();
    const artists: ArtistWrite[] = Array.from({ length: ARTISTS }, (_, index) => ({
      ...entry(now),
      nameKey: `artist ${String(index).padStart(3, '0')}`,
      name: `Artist ${index}`,
    }));
    const albums: AlbumWrite[] = artists.flatMap((artist) =>
      Array.from({ length: ALBUMS_PER_ARTIST }, (_, index) => ({
        ...entry(now),
        artistKey: artist.nameKey,
        titleKey: `album ${index}`,
        artistName: artist.name,
        title: `Album ${index}`,
      })),
    );
    await upsertArtists(harness.db.pool, artists);
    await upsertAlbums(harness.db.pool, albums);
    counter = countStatements(harness.db.pool);
    api = await startApiServer(harness);
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    await harness?.close();
  });

  async function cacheStatements<T>(run: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
    counter.start();
    const result = await run();
    return { result, statements: counter.stop().filter((statement) => CACHE_TABLES.test(statement)) };
  }

  it('costs two statements: the albums, then all their artists at once', async () => {
    const { result, statements } = await cacheStatements(() =>
      request(api.url, AlbumsWithArtistsDocument, { first: 500 }),
    );
    const data = dataOf(result);
    expect(data.albums.edges).toHaveLength(500);
    expect(data.albums.edges.every((edge) => edge.node.artist !== null)).toBe(true);
    console.info(`500 albums with their artists: ${statements.length} SQL statements`);
    expect(statements).toHaveLength(2);
    expect(statements[0]).toMatch(/FROM "public"."album_cache"/);
    // Prisma batches the page's findUnique calls into one query over all the artists' keys.
    expect(statements[1]).toMatch(/FROM "public"."artist_cache" WHERE .*"name_key" IN/);
  });

  it('stays bounded two levels deeper: 100 artists, their 600 albums, those albums’ artists and tracks', async () => {
    const { result, statements } = await cacheStatements(() =>
      httpQuery(
        api.url,
        '{ artists(first: 100) { totalCount nodes { name albums { title artist { name } tracks { title audioFeatures { tempo } } } } } }',
      ),
    );
    expect(result.errors).toBeUndefined();
    // The page, its count, every artist's albums at once, the albums' artists at once, every album's
    // tracks at once, and their audio features at once: one statement per level (Prisma asks for the
    // features of no tracks too, in one statement, rather than looking whether the level is empty).
    expect(statements).toHaveLength(6);
  });

  it('counts without reading a page when only totalCount is asked for', async () => {
    for (const listing of ['artists', 'albums']) {
      const { result, statements } = await cacheStatements(() => httpQuery(api.url, `{ ${listing} { totalCount } }`));
      expect(result.errors).toBeUndefined();
      expect(statements).toHaveLength(1);
      expect(statements[0]).toMatch(/COUNT/i);
    }
  });

  it('reads the overrides of a whole page of explained entries in one statement per table', async () => {
    counter.start();
    const result = await httpQuery<{ albums: { edges: Array<{ node: { overrides: { blockedTags: string[] } } }> } }>(
      api.url,
      '{ albums(first: 200) { edges { node { explain { genre } overrides { blockedTags } artist { explain { genre } } } } } }',
    );
    const statements = counter
      .stop()
      .filter((statement) => /\b(album_cache|artist_cache|entry_overrides)\b/.test(statement));
    expect(result.errors).toBeUndefined();
    expect(result.data?.albums.edges).toHaveLength(200);
    // The albums, their artists, the albums' overrides at once, the artists' overrides at once.
    expect(statements.filter((statement) => statement.includes('entry_overrides'))).toHaveLength(2);
    expect(statements).toHaveLength(4);
  });
});
