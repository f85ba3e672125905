// Per-entry overrides and explain through the GraphQL API, over a cache the real warm jobs filled from
// the simulators: explain agrees with the stored genres, a pin survives forced and scheduled refreshes
// (and read-through lookups), a blocked tag stays out and is explained as such, bad input changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BlockTagDocument,
  ExplainAlbumsDocument,
  ExplainArtistDocument,
  ExplainArtistsDocument,
  LookupAlbumsDocument,
  LookupArtistsDocument,
  PinGenresDocument,
  RefreshEntryDocument,
  UnblockTagDocument,
  UnpinGenresDocument,
} from '../../src/generated/graphql.ts';
import { runJobNow } from '../../src/jobs/start-job.ts';
import { type Harness, startHarness } from '../support/harness.ts';
import { type ApiServer, startApiServer } from './support/api-server.ts';
import { dataOf, request } from './support/operations.ts';
import { FAST_ENV, populate, SMALL_LIBRARY } from './support/populate.ts';
import { NO_SCHEDULES } from './support/worker.ts';

interface ExplainedItem {
  genre: string;
  kind: string;
  kept: boolean;
  rules: readonly string[];
  contributions: ReadonlyArray<{ provider: string; rawTag: string; weight?: number | null; counted: boolean }>;
}

/** What explain says the entry lists: its kept genres and moods, in explain's order. */
function keptOf(explain: readonly ExplainedItem[], kind: 'GENRE' | 'MOOD'): string[] {
  return explain.filter((item) => item.kind === kind && item.kept).map((item) => item.genre);
}

describe('overrides and explain', () => {
  let harness: Harness;
  let api: ApiServer;

  beforeAll(async () => {
    harness = await startHarness({ sims: SMALL_LIBRARY, env: { ...FAST_ENV, ...NO_SCHEDULES } });
    await populate(harness, ['cache-warm', 'cache-warm-albums']);
    api = await startApiServer(harness);
  }, 90_000);
  afterAll(async () => {
    await api?.close();
    await harness?.close();
  });

  it('explains every warmed entry with the genres and moods it stores', async () => {
    const artists = dataOf(await request(api.url, ExplainArtistsDocument, { first: 100 })).artists.edges;
    expect(artists.length).toBe(6);
    for (const { node } of artists) {
      expect(keptOf(node.explain, 'GENRE'), node.name).toEqual(node.genres);
      expect(keptOf(node.explain, 'MOOD'), node.name).toEqual(node.moods);
    }
    const albums = dataOf(await request(api.url, ExplainAlbumsDocument, { first: 500 })).albums.edges;
    expect(albums.length).toBeGreaterThan(5);
    for (const { node } of albums) {
      expect(keptOf(node.explain, 'GENRE'), node.title).toEqual(node.genres);
      expect(keptOf(node.explain, 'MOOD'), node.title).toEqual(node.moods);
    }
  });

  it('explains a genre two providers gave with each one’s raw tag and weight', async () => {
    const { rows } = await harness.db.pool.query<{
      raw_tags: Record<string, { genres?: Array<{ name: string; weight?: number }> }>;
    }>(`SELECT raw_tags FROM artist_cache WHERE name_key = 'sigur ros'`);
    const lastfmTag = rows[0]?.raw_tags.lastfm?.genres?.find(
      (tag) => tag.name.toLowerCase().replace(/\W/g, '') === 'postrock',
    );
    expect(lastfmTag?.weight).toBeGreaterThan(0);
    const artist = dataOf(await request(api.url, ExplainArtistDocument, { name: 'Sigur Rós' })).artist;
    const postRock = artist?.explain.find((item) => item.genre === 'Post-Rock');
    expect(postRock).toMatchObject({ kind: 'GENRE', kept: true });
    expect(postRock?.contributions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ provider: 'PLEX', rawTag: 'Post-Rock', weight: null, counted: true }),
        expect.objectContaining({
          provider: 'LASTFM',
          rawTag: lastfmTag?.name,
          weight: lastfmTag?.weight,
          counted: true,
        }),
      ]),
    );
    expect(artist?.genres).toContain('Post-Rock');
  });

  it('keeps a pinned genre list through a forced refresh, a scheduled refresh and a read-through lookup', async () => {
    const lastfmCalls = () => harness.sims.log.count({ provider: 'lastfm' });
    const before = lastfmCalls();
    const pinned = dataOf(
      await request(api.url, PinGenresDocument, { artist: 'acdc', genres: ['shoegaze', 'Dream Pop'] }),
    ).pinGenres;
    expect(pinned).toMatchObject({ __typename: 'Artist', name: 'AC/DC', genres: ['Shoegaze', 'Dream Pop'] });
    // Re-merged from the stored raw tags: no provider was asked.
    expect(lastfmCalls()).toBe(before);
    if (pinned.__typename !== 'Artist') throw new Error('expected an artist');
    expect(pinned.overrides).toEqual({ pinnedGenres: ['shoegaze', 'Dream Pop'], blockedTags: [] });
    expect(keptOf(pinned.explain, 'GENRE')).toEqual(['Shoegaze', 'Dream Pop']);
    const hardRock = pinned.explain.find((item) => item.genre === 'Hard Rock');
    expect(hardRock).toMatchObject({ kept: false, rules: expect.arrayContaining(['REPLACED_BY_PIN']) });
    expect(pinned.explain.find((item) => item.genre === 'Shoegaze')?.rules).toEqual(['PINNED']);

    const forced = dataOf(await request(api.url, RefreshEntryDocument, { artist: 'AC/DC' })).refreshEntry;
    expect(lastfmCalls()).toBeGreaterThan(before);
    expect(new Date(forced.fetchedAt).getTime()).toBeGreaterThan(new Date(pinned.fetchedAt).getTime());
    expect(forced.genres).toEqual(['Shoegaze', 'Dream Pop']);

    // Read recently and about to expire: the scheduled refresh picks it.
    await harness.db.pool.query(
      `UPDATE artist_cache SET last_used_at = now(), expires_at = now() + interval '1 hour' WHERE name_key = 'acdc'`,
    );
    const run = await runJobNow(harness.runtime, 'cache-refresh', { limit: 10 });
    expect(run.outcome === 'finished' && run.run.status).toBe('succeeded');
    const { rows } = await harness.db.pool.query<{ genres: string[]; fetched_at: Date; expires_at: Date }>(
      `SELECT genres, fetched_at, expires_at FROM artist_cache WHERE name_key = 'acdc'`,
    );
    expect(rows[0]?.fetched_at.getTime()).toBeGreaterThan(new Date(forced.fetchedAt).getTime());
    expect(rows[0]?.genres).toEqual(['Shoegaze', 'Dream Pop']);

    // A warm that fetches every artist again applies it too.
    const warm = await runJobNow(harness.runtime, 'cache-warm', { skipCached: false });
    expect(warm.outcome === 'finished' && warm.run.status).toBe('succeeded');
    const { rows: warmed } = await harness.db.pool.query<{ genres: string[]; fetched_at: Date }>(
      `SELECT genres, fetched_at FROM artist_cache WHERE name_key = 'acdc'`,
    );
    expect(warmed[0]?.fetched_at.getTime()).toBeGreaterThan(rows[0]?.fetched_at.getTime() ?? Infinity);
    expect(warmed[0]?.genres).toEqual(['Shoegaze', 'Dream Pop']);

    // Expired: a lookup fetches it again, with the pin.
    await harness.db.pool.query(
      `UPDATE artist_cache SET expires_at = now() - interval '1 minute' WHERE name_key = 'acdc'`,
    );
    const looked = dataOf(await request(api.url, LookupArtistsDocument, { names: ['AC/DC'] })).lookupArtists[0];
    expect(looked?.isExpired).toBe(false);
    expect(looked?.genres).toEqual(['Shoegaze', 'Dream Pop']);

    // A re-merge of the whole cache from raw tags (as a genre rules change starts) keeps it as well.
    const requestsBeforeRemerge = harness.sims.log.count();
    const remerge = await runJobNow(harness.runtime, 'cache-remerge', {});
    expect(remerge.outcome === 'finished' && remerge.run.status).toBe('succeeded');
    expect(harness.sims.log.count()).toBe(requestsBeforeRemerge);
    const { rows: remerged } = await harness.db.pool.query<{ genres: string[] }>(
      `SELECT genres FROM artist_cache WHERE name_key = 'acdc'`,
    );
    expect(remerged[0]?.genres).toEqual(['Shoegaze', 'Dream Pop']);

    const unpinned = dataOf(await request(api.url, UnpinGenresDocument, { artist: 'AC/DC' })).unpinGenres;
    expect(unpinned.genres).toContain('Hard Rock');
    expect(unpinned.genres).not.toContain('Shoegaze');
    const { rows: overrideRows } = await harness.db.pool.query(
      `SELECT 1 FROM entry_overrides WHERE artist_key = 'acdc'`,
    );
    expect(overrideRows).toEqual([]);
  }, 90_000);

  it('keeps a blocked tag out of an album through a refresh, and explains it as blocked by the override', async () => {
    const albums = dataOf(await request(api.url, ExplainAlbumsDocument, { first: 500 })).albums.edges;
    const album = albums.map((edge) => edge.node).find((node) => node.genres.length >= 2);
    if (album === undefined) throw new Error('no album with two genres');
    const blocked = album.genres[0] ?? '';
    const names = { artist: album.artistName, album: album.title };
    // Any spelling of the tag blocks it.
    const answer = dataOf(
      await request(api.url, BlockTagDocument, { ...names, tag: ` ${blocked.toUpperCase()} ` }),
    ).blockTag;
    expect(answer.__typename).toBe('Album');
    expect(answer.genres).not.toContain(blocked);
    expect(answer.genres).toContain(album.genres[1]);
    if (answer.__typename !== 'Album') throw new Error('expected an album');
    const explained = answer.explain.find((item) => item.genre === blocked);
    expect(explained).toMatchObject({ kept: false, rules: expect.arrayContaining(['BLOCKED_BY_OVERRIDE']) });
    expect(explained?.contributions.every((contribution) => !contribution.counted)).toBe(true);

    const refreshed = dataOf(await request(api.url, RefreshEntryDocument, names)).refreshEntry;
    expect(new Date(refreshed.fetchedAt).getTime()).toBeGreaterThan(new Date(answer.fetchedAt).getTime());
    expect(refreshed.genres).not.toContain(blocked);
    if (refreshed.__typename !== 'Album') throw new Error('expected an album');
    expect(keptOf(refreshed.explain, 'GENRE')).toEqual(refreshed.genres);
    expect(refreshed.explain.find((item) => item.genre === blocked)?.rules).toContain('BLOCKED_BY_OVERRIDE');

    // The album paths of the jobs and of lookups apply it too: a full album warm, the scheduled refresh, a lookup.
    const albumRow = async () =>
      (
        await harness.db.pool.query<{ genres: string[]; fetched_at: Date }>(
          `SELECT genres, fetched_at FROM album_cache WHERE artist_name = $1 AND title = $2`,
          [album.artistName, album.title],
        )
      ).rows[0];
    const warm = await runJobNow(harness.runtime, 'cache-warm-albums', { skipCached: false });
    expect(warm.outcome === 'finished' && warm.run.status).toBe('succeeded');
    const warmed = await albumRow();
    expect(warmed?.fetched_at.getTime()).toBeGreaterThan(new Date(refreshed.fetchedAt).getTime());
    expect(warmed?.genres).not.toContain(blocked);
    await harness.db.pool.query(
      `UPDATE album_cache SET last_used_at = now(), expires_at = now() + interval '1 hour' WHERE artist_name = $1 AND title = $2`,
      [album.artistName, album.title],
    );
    const run = await runJobNow(harness.runtime, 'cache-refresh', { limit: 10 });
    expect(run.outcome === 'finished' && run.run.status).toBe('succeeded');
    const scheduled = await albumRow();
    expect(scheduled?.fetched_at.getTime()).toBeGreaterThan(warmed?.fetched_at.getTime() ?? Infinity);
    expect(scheduled?.genres).not.toContain(blocked);
    await harness.db.pool.query(
      `UPDATE album_cache SET expires_at = now() - interval '1 minute' WHERE artist_name = $1 AND title = $2`,
      [album.artistName, album.title],
    );
    const looked = dataOf(
      await request(api.url, LookupAlbumsDocument, { albums: [{ artist: album.artistName, title: album.title }] }),
    ).lookupAlbums[0];
    expect(looked?.isExpired).toBe(false);
    expect(looked?.genres).not.toContain(blocked);
    expect(looked?.genres.length).toBeGreaterThan(0);

    const unblocked = dataOf(await request(api.url, UnblockTagDocument, { ...names, tag: blocked })).unblockTag;
    expect(unblocked.genres).toContain(blocked);
  }, 90_000);

  it('refuses bad input with a typed error and changes nothing', async () => {
    const snapshot = async () =>
      (
        await harness.db.pool.query(
          `SELECT (SELECT json_agg(a ORDER BY name_key) FROM (SELECT name_key, genres, fetched_at FROM artist_cache) a) AS artists,
                  (SELECT count(*) FROM entry_overrides) AS overrides`,
        )
      ).rows[0];
    const before = await snapshot();
    const requestsBefore = harness.sims.log.count();
    const failures: Array<
      [Promise<{ errors?: ReadonlyArray<{ extensions?: Record<string, unknown> }> }>, string, string?]
    > = [
      [request(api.url, PinGenresDocument, { artist: 'Nobody Has Heard Of Us', genres: ['Rock'] }), 'NOT_FOUND'],
      [request(api.url, PinGenresDocument, { artist: 'Björk', album: 'No Such Album', genres: ['Rock'] }), 'NOT_FOUND'],
      [request(api.url, RefreshEntryDocument, { artist: 'Nobody Has Heard Of Us' }), 'NOT_FOUND'],
      [request(api.url, BlockTagDocument, { artist: 'Björk', tag: '' }), 'INVALID_INPUT', 'tag'],
      [request(api.url, BlockTagDocument, { artist: 'Björk', tag: ' !! ' }), 'INVALID_INPUT', 'tag'],
      [request(api.url, PinGenresDocument, { artist: 'Björk', genres: ['Pop', ' '] }), 'INVALID_INPUT', 'genres.1'],
      [request(api.url, PinGenresDocument, { artist: '   ', genres: ['Pop'] }), 'INVALID_INPUT', 'artist'],
      [request(api.url, UnblockTagDocument, { artist: 'Björk', tag: 'Electronic' }), 'INVALID_INPUT', 'tag'],
    ];
    for (const [pending, code, field] of failures) {
      const response = await pending;
      expect(response.errors?.[0]?.extensions?.code).toBe(code);
      if (field !== undefined)
        expect(response.errors?.[0]?.extensions?.problems).toEqual([expect.objectContaining({ field })]);
    }
    expect(await snapshot()).toEqual(before);
    expect(harness.sims.log.count()).toBe(requestsBefore);
  });
});
