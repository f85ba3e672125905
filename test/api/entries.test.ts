// Entry queries through real clients against a cache populated by the real jobs: lookups by normalised
// name, expired entries served flagged, Relay pages with stable cursors, filters, usage recording.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AlbumDocument,
  AlbumsDocument,
  CacheStatsDocument,
  ArtistDocument,
  ArtistsDocument,
  TrackDocument,
  TracksDocument,
} from '../../src/generated/graphql.ts';
import { type Harness, startHarness } from '../support/harness.ts';
import { httpQuery, sseCollect, wsClient, wsCollect } from '../support/graphql-clients.ts';
import { type ApiServer, startApiServer } from './support/api-server.ts';
import { dataOf, request } from './support/operations.ts';
import { FAST_ENV, populate, SMALL_LIBRARY } from './support/populate.ts';
import { NO_SCHEDULES } from './support/worker.ts';

describe('entry queries', () => {
  let harness: Harness;
  let api: ApiServer;

  beforeAll(async () => {
    harness = await startHarness({ sims: SMALL_LIBRARY, env: { ...FAST_ENV, ...NO_SCHEDULES } });
    await populate(harness);
    api = await startApiServer(harness);
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    await harness?.close();
  });

  it('finds an artist by its normalised name, with everything cached about it', async () => {
    const data = dataOf(await request(api.url, ArtistDocument, { name: 'björk' }));
    const artist = data.artist;
    expect(artist).toMatchObject({
      name: 'Björk',
      nameKey: 'bjork',
      source: 'plex,lastfm',
      sources: ['PLEX', 'LASTFM'],
      status: 'OK',
    });
    expect(artist?.genres.length).toBeGreaterThan(0);
    expect(artist?.isExpired).toBe(false);
    expect(artist?.plexRatingKey).toMatch(/^\d+$/);
    expect(new Date(artist?.expiresAt ?? 0).getTime()).toBeGreaterThan(Date.now());
    const albums = harness.sims.library
      .albumsOf(3)
      .map((album) => album.title)
      .sort();
    expect(artist?.albums.map((album) => album.title).sort()).toEqual(albums);
    // Other spellings of the same key.
    expect(dataOf(await request(api.url, ArtistDocument, { name: 'BJORK' })).artist?.name).toBe('Björk');
    expect(dataOf(await request(api.url, ArtistDocument, { name: 'simon and garfunkel' })).artist?.name).toBe(
      'Simon & Garfunkel',
    );
  });

  it('answers null for an unknown name, and serves an expired entry flagged isExpired', async () => {
    expect(dataOf(await request(api.url, ArtistDocument, { name: 'Nobody Has Heard Of Us' }))).toEqual({
      artist: null,
    });
    await harness.db.pool.query(
      `UPDATE artist_cache SET expires_at = now() - interval '1 day' WHERE name_key = 'sigur ros'`,
    );
    const artist = dataOf(await request(api.url, ArtistDocument, { name: 'Sigur Rós' })).artist;
    expect(artist).toMatchObject({ name: 'Sigur Rós', isExpired: true });
    expect(artist?.genres.length).toBeGreaterThan(0);
  });

  it('pages through artists with stable cursors, and says how many match', async () => {
    const first = dataOf(await request(api.url, ArtistsDocument, { first: 4 })).artists;
    expect(first.totalCount).toBe(6);
    expect(first.edges).toHaveLength(4);
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    // An artist that sorts before the cursor appears meanwhile: the next page does not shift.
    await harness.db.pool.query(
      `INSERT INTO artist_cache (name_key, name, expires_at) VALUES ('aaa first', 'AAA First', now() + interval '1 day')`,
    );
    const second = dataOf(
      await request(api.url, ArtistsDocument, { first: 4, after: first.pageInfo.endCursor }),
    ).artists;
    expect(second.edges).toHaveLength(2);
    expect(second.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const names = [...first.edges, ...second.edges].map((edge) => edge.node.nameKey);
    expect(names).toEqual([...names].sort());
    expect(new Set(names).size).toBe(6);
    expect(names).not.toContain('aaa first');
    await harness.db.pool.query(`DELETE FROM artist_cache WHERE name_key = 'aaa first'`);
  });

  it('pages on after an artist deleted since its page was read', async () => {
    const first = dataOf(await request(api.url, ArtistsDocument, { first: 2 })).artists;
    const last = first.edges[1]?.node;
    expect(last).toBeDefined();
    const saved = await harness.db.pool.query(`SELECT * FROM artist_cache WHERE name_key = $1`, [last?.nameKey]);
    await harness.db.pool.query(`DELETE FROM artist_cache WHERE name_key = $1`, [last?.nameKey]);
    try {
      const second = dataOf(
        await request(api.url, ArtistsDocument, { first: 10, after: first.pageInfo.endCursor }),
      ).artists;
      // The page starts after the deleted artist's name, not nowhere.
      expect(second.edges.map((edge) => edge.node.nameKey)).toHaveLength(4);
      expect(second.edges.every((edge) => edge.node.nameKey > (last?.nameKey ?? ''))).toBe(true);
    } finally {
      const row = saved.rows[0] as Record<string, unknown>;
      const columns = Object.keys(row).filter((column) => column !== 'genre_keys');
      await harness.db.pool.query(
        `INSERT INTO artist_cache (${columns.join(', ')}) VALUES (${columns.map((_, index) => `$${index + 1}`).join(', ')})`,
        columns.map((column) => row[column]),
      );
    }
  });

  it('refuses a page larger than 500 and a cursor of another listing, with a clear error', async () => {
    const tooMany = await request(api.url, ArtistsDocument, { first: 501 });
    expect(tooMany.errors?.[0]?.message).toMatch(/first must be between 1 and 500 \(got 501\)/);
    expect(tooMany.errors?.[0]?.extensions?.code).toBe('INVALID_INPUT');
    const albumCursor = dataOf(await request(api.url, AlbumsDocument, { first: 1 })).albums.pageInfo.endCursor;
    const wrong = await request(api.url, ArtistsDocument, { first: 1, after: albumCursor });
    expect(wrong.errors?.[0]?.message).toMatch(/not a cursor of this artists listing/);
    // Pothos decodes the cursor before the listing sees it, and says so in its own words.
    const garbage = (await request(api.url, ArtistsDocument, { first: 1, after: 'garbage' })).errors?.[0];
    expect(garbage?.message).toMatch(/invalid cursor/i);
    expect(garbage?.extensions?.code).toBe('INVALID_INPUT');
  });

  it('filters artists by text, genre, source, status, expiry and tier', async () => {
    const names = async (filter: Record<string, unknown>) =>
      dataOf(await request(api.url, ArtistsDocument, { first: 100, filter })).artists.edges.map(
        (edge) => edge.node.name,
      );
    expect(await names({ search: 'bjo' })).toEqual(['Björk']);
    expect(await names({ search: 'GUNS N ROSES' })).toEqual(["Guns N' Roses"]);
    const ambient = await names({ genre: 'AMBIENT' });
    expect(ambient).toEqual(expect.arrayContaining(['Sigur Rós', '坂本龍一']));
    expect(await names({ source: 'LASTFM' })).toHaveLength(6);
    expect(await names({ source: 'SPOTIFY' })).toEqual([]);
    expect(await names({ status: 'OK' })).toHaveLength(6);
    expect(await names({ expired: true })).toEqual(['Sigur Rós']);
    expect(await names({ expired: false })).toHaveLength(5);
    await harness.db.pool.query(
      `UPDATE artist_cache SET expires_at = now() + interval '2 days' WHERE name_key = 'acdc'`,
    );
    expect(await names({ expiringWithinDays: 3 })).toEqual(['AC/DC']);
    expect(await names({ tier: 'COLD' })).toHaveLength(6);
    expect(await names({ tier: 'HOT' })).toEqual([]);
    const negative = await request(api.url, ArtistsDocument, { filter: { expiringWithinDays: -1 } });
    expect(negative.errors?.[0]?.message).toMatch(/expiringWithinDays must be between 0 and 3650/);
  });

  it('matches a search text literally, and NONE finds the entries nobody knew', async () => {
    const names = async (filter: Record<string, unknown>) =>
      dataOf(await request(api.url, ArtistsDocument, { first: 100, filter })).artists.edges.map(
        (edge) => edge.node.name,
      );
    // A name of punctuation alone keys as itself: `%` and `_` must not act as LIKE wildcards.
    expect(await names({ search: '%' })).toEqual([]);
    expect(await names({ search: '_' })).toEqual([]);
    expect(await names({ source: 'NONE' })).toEqual([]);
    await harness.db.pool.query(
      `INSERT INTO artist_cache (name_key, name, status, expires_at) VALUES ('nobody knew', 'Nobody Knew', 'empty', now() + interval '1 day')`,
    );
    try {
      expect(await names({ source: 'NONE' })).toEqual(['Nobody Knew']);
      const entry = dataOf(await request(api.url, ArtistDocument, { name: 'Nobody Knew' })).artist;
      expect(entry).toMatchObject({ source: 'none', sources: [], status: 'EMPTY' });
      expect(await names({ source: 'LASTFM' })).not.toContain('Nobody Knew');
    } finally {
      await harness.db.pool.query(`DELETE FROM artist_cache WHERE name_key = 'nobody knew'`);
    }
  });

  it('gives every artist, album and track a stable global id that node(id:) refetches', async () => {
    const query = `{ artists(first: 2) { nodes { id name albums { id title tracks { id ratingKey } } } } }`;
    type Listing = {
      artists: {
        nodes: Array<{
          id: string;
          name: string;
          albums: Array<{ id: string; title: string; tracks: Array<{ id: string; ratingKey: string }> }>;
        }>;
      };
    };
    const first = await httpQuery<Listing>(api.url, query);
    expect(first.errors).toBeUndefined();
    const again = await httpQuery<Listing>(api.url, query);
    expect(again.data).toEqual(first.data);
    const artists = first.data?.artists.nodes ?? [];
    const albums = artists.flatMap((artist) => artist.albums);
    const tracks = albums.flatMap((album) => album.tracks);
    expect(albums.length).toBeGreaterThan(0);
    expect(tracks.length).toBeGreaterThan(0);
    const ids = [...artists, ...albums, ...tracks].map((entry) => entry.id);
    expect(new Set(ids).size).toBe(ids.length);

    const [artist] = artists;
    const [album] = albums;
    const [track] = tracks;
    if (!artist || !album || !track) throw new Error('the library has no artist with an album and tracks');
    const refetch = await httpQuery<{
      a: { __typename: string; name?: string } | null;
      b: { __typename: string; title?: string } | null;
      c: { __typename: string; ratingKey?: string } | null;
    }>(
      api.url,
      `query ($a: ID!, $b: ID!, $c: ID!) {
        a: node(id: $a) { __typename ... on Artist { name } }
        b: node(id: $b) { __typename ... on Album { title } }
        c: node(id: $c) { __typename ... on Track { ratingKey } }
      }`,
      { a: artist.id, b: album.id, c: track.id },
    );
    expect(refetch.errors).toBeUndefined();
    expect(refetch.data).toEqual({
      a: { __typename: 'Artist', name: artist.name },
      b: { __typename: 'Album', title: album.title },
      c: { __typename: 'Track', ratingKey: track.ratingKey },
    });
  });

  it('finds an album by artist and title, with its artist and tracks', async () => {
    const truth = harness.sims.library.album(0);
    const album = dataOf(
      await request(api.url, AlbumDocument, { artist: truth.artistName.toUpperCase(), title: truth.title }),
    ).album;
    expect(album).toMatchObject({
      title: truth.title,
      artistName: truth.artistName,
      artist: { name: truth.artistName },
      isExpired: false,
    });
    expect(album?.sources.length).toBeGreaterThan(0);
    expect(album?.tracks.map((track) => track.title)).toEqual(
      harness.sims.library.tracksOf(0).map((track) => track.title),
    );
    expect(dataOf(await request(api.url, AlbumDocument, { artist: truth.artistName, title: 'No Such Album' }))).toEqual(
      { album: null },
    );
  });

  it('lists albums with filters and pages', async () => {
    const all = dataOf(await request(api.url, AlbumsDocument, { first: 500 })).albums;
    expect(all.totalCount).toBe(harness.sims.library.albumCount);
    expect(all.nodes.every((album) => album.artist !== null)).toBe(true);
    const ofBjork = dataOf(await request(api.url, AlbumsDocument, { filter: { artist: 'bjork' } })).albums;
    expect(ofBjork.nodes.map((album) => album.title).sort()).toEqual(
      harness.sims.library
        .albumsOf(3)
        .map((album) => album.title)
        .sort(),
    );
    let after: string | null = null;
    const paged: string[] = [];
    for (let page = 0; page < 20; page++) {
      const result: {
        albums: { nodes: Array<{ title: string }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
      } = dataOf(await request(api.url, AlbumsDocument, { first: 5, after }));
      paged.push(...result.albums.nodes.map((album) => album.title));
      if (!result.albums.pageInfo.hasNextPage) break;
      after = result.albums.pageInfo.endCursor;
    }
    expect(paged).toEqual(all.nodes.map((album) => album.title));
    const genre = all.nodes[0]?.genres[0] ?? '';
    const byGenre = dataOf(
      await request(api.url, AlbumsDocument, { first: 500, filter: { genre: genre.toLowerCase() } }),
    ).albums.nodes;
    expect(byGenre.length).toBeGreaterThan(0);
    expect(byGenre.every((album) => album.genres.includes(genre))).toBe(true);
  });

  it('answers null for the artist of an album whose artist has no entry, in a listing and by name', async () => {
    await harness.db.pool.query(
      `INSERT INTO album_cache (artist_key, title_key, artist_name, title, expires_at)
       VALUES ('zz nobody cached', 'lonely', 'ZZ Nobody Cached', 'Lonely', now() + interval '1 day')`,
    );
    try {
      const listed = dataOf(
        await request(api.url, AlbumsDocument, { first: 5, filter: { artist: 'zz nobody cached' } }),
      ).albums.nodes;
      expect(listed.map((album) => [album.title, album.artist])).toEqual([['Lonely', null]]);
      const byName = dataOf(await request(api.url, AlbumDocument, { artist: 'ZZ Nobody Cached', title: 'Lonely' }));
      expect(byName.album).toMatchObject({ title: 'Lonely', artist: null, tracks: [] });
    } finally {
      await harness.db.pool.query(`DELETE FROM album_cache WHERE artist_key = 'zz nobody cached'`);
    }
  });

  it('answers a track with both tiers, borrowed genres, derived fields and audio features', async () => {
    const truth = harness.sims.library.track(0);
    const track = dataOf(await request(api.url, TrackDocument, { ratingKey: truth.ratingKey })).track;
    expect(track).toMatchObject({
      ratingKey: truth.ratingKey,
      title: truth.title,
      genreSource: 'ALBUM',
      isExpired: false,
      tier: 'COLD',
    });
    const album = dataOf(
      await request(api.url, AlbumDocument, { artist: truth.artistName, title: track?.albumTitle ?? '' }),
    ).album;
    expect(track?.genres).toEqual(album?.genres);
    expect(track?.staticTier.isExpired).toBe(false);
    expect(new Date(track?.statsTier.expiresAt ?? 0).getTime()).toBeLessThan(
      new Date(track?.staticTier.expiresAt ?? 0).getTime(),
    );
    expect(track?.qualityScore).toBeGreaterThanOrEqual(0);
    expect(track?.qualityScore).toBeLessThanOrEqual(1);
    expect(track?.isUnplayed).toBe(track?.viewCount === 0);
    expect(track?.audioFeatures?.tempo).toEqual(expect.any(Number));
    expect(track?.audioFeatures?.analysisFingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(track?.audioFeatures?.moods.length).toBeGreaterThan(0);
    expect(dataOf(await request(api.url, TrackDocument, { ratingKey: '999999999' }))).toEqual({ track: null });
  });

  it('lists tracks of an album in order, and filters by audio features', async () => {
    const albumTruth = harness.sims.library.album(1);
    const tracks = dataOf(
      await request(api.url, TracksDocument, {
        first: 100,
        filter: { artist: albumTruth.artistName, album: albumTruth.title },
      }),
    ).tracks;
    expect(tracks.nodes.map((track) => track.title)).toEqual(
      harness.sims.library.tracksOf(1).map((track) => track.title),
    );
    const all = dataOf(await request(api.url, TracksDocument, { first: 500 })).tracks;
    expect(all.totalCount).toBe(harness.sims.library.trackCount);
    const withFeatures = dataOf(
      await request(api.url, TracksDocument, { first: 500, filter: { hasAudioFeatures: true } }),
    ).tracks;
    const without = dataOf(
      await request(api.url, TracksDocument, { first: 500, filter: { hasAudioFeatures: false } }),
    ).tracks;
    expect(withFeatures.totalCount + without.totalCount).toBe(all.totalCount);
    expect(withFeatures.nodes.every((track) => track.audioFeatures !== null)).toBe(true);
    expect(without.nodes.every((track) => track.audioFeatures === null)).toBe(true);
  });

  it('answers the same query over graphql-ws and over SSE', async () => {
    const query = '{ artist(name: "bjork") { name } }';
    const client = wsClient(api.url);
    try {
      expect(await wsCollect(client, query)).toEqual([{ data: { artist: { name: 'Björk' } } }]);
    } finally {
      await client.dispose();
    }
    expect(await sseCollect(api.url, query)).toEqual([{ data: { artist: { name: 'Björk' } } }]);
  });

  it('reports cache statistics: totals, freshness, tiers, statuses, sources, genres, providers, last runs', async () => {
    const stats = dataOf(await request(api.url, CacheStatsDocument, { topGenres: 3 })).cacheStats;
    const { rows } = await harness.db.pool.query<Record<string, number>>(
      `SELECT (SELECT count(*)::int FROM artist_cache) AS artists, (SELECT count(*)::int FROM album_cache) AS albums,
              (SELECT count(*)::int FROM track_cache) AS tracks, (SELECT count(*)::int FROM audio_features) AS features,
              (SELECT count(*)::int FROM job_runs) AS runs,
              (SELECT count(*)::int FROM artist_cache WHERE expires_at <= now()) AS "expiredArtists"`,
    );
    const truth = rows[0] ?? {};
    expect(stats.artists).toMatchObject({
      total: truth.artists,
      expired: truth.expiredArtists,
      fresh: (truth.artists ?? 0) - (truth.expiredArtists ?? 0),
    });
    expect(stats.albums.total).toBe(truth.albums);
    expect(stats.tracks.total).toBe(truth.tracks);
    expect(stats.audioFeatures.total).toBe(truth.features);
    expect(stats.jobRuns.total).toBe(truth.runs);
    for (const table of [stats.artists, stats.albums]) {
      expect(table.byTier.hot + table.byTier.warm + table.byTier.cold).toBe(table.total);
      expect(table.byStatus.ok + table.byStatus.empty + table.byStatus.partial + table.byStatus.error).toBe(
        table.total,
      );
      expect(table.bySource.reduce((sum, source) => sum + source.count, 0)).toBe(table.total);
      expect(table.topGenres.length).toBeLessThanOrEqual(3);
    }
    expect(stats.artists.bySource).toEqual([{ source: 'plex,lastfm', sources: ['PLEX', 'LASTFM'], count: 6 }]);
    expect(stats.artists.topGenres[0]).toMatchObject({ genre: expect.any(String), count: expect.any(Number) });
    expect(stats.tracks.statsTier.fresh + stats.tracks.statsTier.expired).toBe(stats.tracks.total);
    expect(stats.providers.map((provider) => [provider.provider, provider.configured])).toEqual([
      ['PLEX', true],
      ['LASTFM', true],
      ['MUSICBRAINZ', true],
      ['SPOTIFY', true],
      ['AUDIOMUSE', true],
    ]);
    expect(stats.providers.find((provider) => provider.provider === 'LASTFM')?.requests).toBeGreaterThan(0);
    expect(stats.lastRuns.map((run) => [run.kind, run.status]).sort()).toEqual(
      [
        ['AUDIO_FEATURES_SYNC', 'SUCCEEDED'],
        ['CACHE_WARM', 'SUCCEEDED'],
        ['CACHE_WARM_ALBUMS', 'SUCCEEDED'],
        ['TRACK_STATS_REFRESH', 'SUCCEEDED'],
      ].sort(),
    );
    const bad = await request(api.url, CacheStatsDocument, { topGenres: 1000 });
    expect(bad.errors?.[0]?.message).toMatch(/topGenres must be between 0 and 100/);
  });

  it('records the usage of point reads, which makes entries hot and counts hits', async () => {
    const before = await httpQuery<{
      cacheStats: { reads: { sinceStart: { hits: number; staleHits: number; misses: number } } };
    }>(api.url, '{ cacheStats { reads { sinceStart { hits staleHits misses } } } }');
    const counts = before.data?.cacheStats.reads.sinceStart ?? { hits: 0, staleHits: 0, misses: 0 };
    await request(api.url, ArtistDocument, { name: 'AC/DC' });
    await request(api.url, ArtistDocument, { name: 'acdc' });
    await request(api.url, ArtistDocument, { name: 'Sigur Ros' });
    await request(api.url, ArtistDocument, { name: 'Unknown Artist Here' });
    await request(api.url, ArtistsDocument, { first: 10 });
    const after = await httpQuery<{
      cacheStats: { reads: { sinceStart: { hits: number; staleHits: number; misses: number } } };
    }>(api.url, '{ cacheStats { reads { sinceStart { hits staleHits misses } } } }');
    expect(after.data?.cacheStats.reads.sinceStart).toEqual({
      hits: counts.hits + 2,
      staleHits: counts.staleHits + 1,
      misses: counts.misses + 1,
    });

    await api.usage.flushAll();
    const { rows } = await harness.db.pool.query<{ name_key: string; use_count: number; last_used_at: Date | null }>(
      `SELECT name_key, use_count, last_used_at FROM artist_cache WHERE name_key IN ('acdc', 'sigur ros', 'guns n roses') ORDER BY name_key`,
    );
    expect(rows.map((row) => [row.name_key, row.use_count, row.last_used_at !== null])).toEqual([
      ['acdc', 2, true],
      ['guns n roses', 0, false],
      ['sigur ros', 2, true], // read once by the expired-entry test as well
    ]);
    const hot = dataOf(await request(api.url, ArtistsDocument, { filter: { tier: 'HOT' } })).artists.edges.map(
      (edge) => edge.node.name,
    );
    expect(hot.sort()).toEqual(['AC/DC', 'Björk', 'Simon & Garfunkel', 'Sigur Rós'].sort());
    expect(dataOf(await request(api.url, ArtistDocument, { name: 'acdc' })).artist).toMatchObject({
      tier: 'HOT',
      useCount: 2,
    });
  });
});
