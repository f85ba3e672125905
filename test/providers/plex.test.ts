import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/providers/errors.ts';
import type { Providers } from '../../src/providers/create-providers.ts';
import { PLEX_DETAIL_BATCH_SIZE, type PlexPage } from '../../src/providers/plex.ts';
import { SPECIAL_ARTIST_NAMES, type Simulators } from '../../src/simulators/index.ts';
import type { PlexArtist } from '../../src/types.ts';
import { providersFor, simulators } from './support.ts';

let sims: Simulators;
let providers: Providers;

beforeAll(async () => {
  sims = await simulators();
  providers = providersFor(sims);
});

afterAll(async () => {
  await sims.close();
});

afterEach(() => {
  sims.plex.faults.reset();
  sims.plex.setQuirks({ maxPageSize: undefined, agent: 'modern', partialListTags: true });
});

async function collect<T>(pages: AsyncIterable<PlexPage<T>>): Promise<{ items: T[]; pages: PlexPage<T>[] }> {
  const seen: PlexPage<T>[] = [];
  for await (const page of pages) seen.push(page);
  return { items: seen.flatMap((page) => page.items), pages: seen };
}

describe('Plex client', () => {
  it('lists the sections and finds the music one', async () => {
    const plex = providers.require('plex');
    const sections = await plex.sections();
    expect(sections.map((section) => section.type).sort()).toEqual(['artist', 'movie']);
    await expect(plex.musicSection()).resolves.toEqual({
      key: sims.plex.musicSectionId,
      title: 'Music',
      type: 'artist',
    });
    const request = sims.log.filter({ provider: 'plex', path: '/library/sections' }).at(-1);
    expect(request?.headers['x-plex-token']).toBe(sims.plex.token);
    expect(request?.headers.accept).toContain('application/json');
    expect(request?.query).not.toHaveProperty('X-Plex-Token');
  });

  it('pages through artists with both paging headers, and returns each artist once with its MusicBrainz id', async () => {
    const plex = providers.require('plex');
    const { items, pages } = await collect(plex.artistPages(sims.plex.musicSectionId, { pageSize: 7 }));
    expect(items).toHaveLength(sims.library.artistCount);
    expect(pages.length).toBe(Math.ceil(sims.library.artistCount / 7));
    expect(pages[0]?.totalSize).toBe(sims.library.artistCount);
    expect(new Set(items.map((artist) => artist.ratingKey)).size).toBe(items.length);
    items.forEach((artist, index) => {
      const truth = sims.library.artist(index);
      expect(artist.name).toBe(truth.name);
      expect(artist.musicbrainzId).toBe(truth.plex.mbid);
    });
    const requests = sims.log.filter({ provider: 'plex', path: `/library/sections/${sims.plex.musicSectionId}/all` });
    expect(requests.at(-1)?.query).toMatchObject({ type: '8', includeGuids: '1' });
    expect(requests.at(-1)?.headers).toMatchObject({ 'x-plex-container-start': '35', 'x-plex-container-size': '7' });
  });

  it('keeps the special names intact', async () => {
    const { items } = await collect(providers.require('plex').artistPages(sims.plex.musicSectionId));
    const names = items.map((artist) => artist.name);
    for (const name of SPECIAL_ARTIST_NAMES) expect(names).toContain(name);
  });

  it('still gets everything, once, when the server caps pages below what was asked', async () => {
    sims.plex.setQuirks({ maxPageSize: 5 });
    const { items } = await collect(providers.require('plex').albumPages(sims.plex.musicSectionId, { pageSize: 12 }));
    expect(items).toHaveLength(sims.library.albumCount);
    expect(new Set(items.map((album) => album.ratingKey)).size).toBe(sims.library.albumCount);
  });

  it('lists albums with their artist, and tracks with their statistics', async () => {
    // Pages of 500 tracks are large: more than the fast test deadline allows on a busy machine.
    const plex = providersFor(sims, { tuning: { http: { timeoutMs: 15_000 } } }).require('plex');
    const albums = await collect(plex.albumPages(sims.plex.musicSectionId, { pageSize: 50 }));
    albums.items.forEach((album, index) => {
      const truth = sims.library.album(index);
      expect(album).toMatchObject({
        ratingKey: truth.ratingKey,
        title: truth.title,
        artistName: truth.artistName,
        artistRatingKey: truth.artistRatingKey,
        year: truth.year,
      });
    });
    const tracks = await collect(plex.trackPages(sims.plex.musicSectionId, { pageSize: 500 }));
    expect(tracks.items).toHaveLength(sims.library.trackCount);
    let rated = 0;
    let played = 0;
    tracks.items.forEach((track, index) => {
      const truth = sims.library.track(index);
      expect(track).toMatchObject({
        ratingKey: truth.ratingKey,
        title: truth.title,
        artistName: truth.artistName,
        albumTitle: truth.albumTitle,
        albumRatingKey: truth.albumRatingKey,
        trackNumber: truth.trackNumber,
        discNumber: truth.discNumber,
        durationMs: truth.durationMs,
        viewCount: truth.viewCount,
        skipCount: truth.skipCount,
        userRating: truth.userRating,
        musicbrainzId: truth.mbid,
      });
      expect(track.lastViewedAt?.getTime()).toBe(
        truth.lastViewedAt === undefined ? undefined : truth.lastViewedAt * 1000,
      );
      if (truth.userRating !== undefined) rated += 1;
      if (truth.viewCount > 0) played += 1;
    });
    // The library has both rated and unrated, played and unplayed tracks, so both paths were exercised.
    expect(rated).toBeGreaterThan(0);
    expect(played).toBeGreaterThan(0);
    expect(rated).toBeLessThan(tracks.items.length);
    await expect(plex.count(sims.plex.musicSectionId, 'track')).resolves.toBe(sims.library.trackCount);
  });

  it('reads every Genre, Style and Mood from the detail view (list views carry only a few)', async () => {
    const plex = providers.require('plex');
    const truth = Array.from({ length: sims.library.artistCount }, (_, index) => sims.library.artist(index)).find(
      (artist) => artist.plex.genres.length > 0 && artist.plex.styles.length > 0 && artist.plex.moods.length > 0,
    );
    expect(truth).toBeDefined();
    if (truth === undefined) return;
    const listed: PlexArtist | undefined = (await collect(plex.artistPages(sims.plex.musicSectionId))).items.find(
      (artist) => artist.ratingKey === truth.ratingKey,
    );
    expect(listed?.styles).toEqual([]);
    expect(listed?.moods).toEqual([]);
    const detail = await plex.artist(truth.ratingKey);
    expect(detail).toMatchObject({
      genres: truth.plex.genres,
      styles: truth.plex.styles,
      moods: truth.plex.moods,
      musicbrainzId: truth.plex.mbid,
    });
    const album = sims.library.album(truth.firstAlbum);
    await expect(plex.album(album.ratingKey)).resolves.toMatchObject({
      genres: album.plex.genres,
      styles: album.plex.styles,
      moods: album.plex.moods,
    });
    const track = sims.library.track(album.firstTrack);
    await expect(plex.track(track.ratingKey)).resolves.toMatchObject({
      ratingKey: track.ratingKey,
      moods: track.moods,
      viewCount: track.viewCount,
    });
  });

  it('reads details in batches of at most PLEX_DETAIL_BATCH_SIZE keys, one comma list each', async () => {
    // A batch of 200 track details is half a megabyte: more than the fast test deadline allows on a busy machine.
    const plex = providersFor(sims, { tuning: { http: { timeoutMs: 15_000 } } }).require('plex');
    const wanted = Array.from({ length: sims.library.trackCount }, (_, index) => sims.library.track(index));
    expect(wanted.length).toBeGreaterThan(PLEX_DETAIL_BATCH_SIZE);
    const since = Date.now();
    const details = await plex.trackDetails(wanted.map((track) => track.ratingKey));
    expect(details.size).toBe(wanted.length);
    for (const track of wanted)
      expect(details.get(track.ratingKey)).toMatchObject({ moods: track.moods, genres: track.genres });
    const requests = sims.log.filter({ provider: 'plex', path: /^\/library\/metadata\/[\d,]+$/, since });
    expect(requests).toHaveLength(Math.ceil(wanted.length / PLEX_DETAIL_BATCH_SIZE));
    expect(requests.every((request) => request.path.split(',').length <= PLEX_DETAIL_BATCH_SIZE)).toBe(true);
    // Artists and albums alike; a key of another type is not taken for an artist.
    const artists = await plex.artistDetails([sims.library.artist(0).ratingKey, sims.library.album(0).ratingKey]);
    expect([...artists.keys()]).toEqual([sims.library.artist(0).ratingKey]);
    const album = sims.library.album(1);
    expect((await plex.albumDetails([album.ratingKey])).get(album.ratingKey)).toMatchObject({
      styles: album.plex.styles,
      moods: album.plex.moods,
    });
  });

  it('lists every track once with pages in flight together, also when the server caps pages', async () => {
    const plex = providersFor(sims, { tuning: { http: { timeoutMs: 15_000 } } }).require('plex');
    for (const maxPageSize of [undefined, 7]) {
      sims.plex.setQuirks({ maxPageSize });
      const { items } = await collect(
        plex.trackPagesConcurrently(sims.plex.musicSectionId, { concurrency: 3, pageSize: 20 }),
      );
      expect(items.map((track) => track.ratingKey).sort()).toEqual(
        Array.from({ length: sims.library.trackCount }, (_, index) => sims.library.track(index).ratingKey).sort(),
      );
    }
  });

  it('copes with the legacy agent (no Guid, so no MusicBrainz id)', async () => {
    sims.plex.setQuirks({ agent: 'legacy' });
    const { items } = await collect(providers.require('plex').artistPages(sims.plex.musicSectionId));
    expect(items).toHaveLength(sims.library.artistCount);
    expect(items.every((artist) => artist.musicbrainzId === undefined)).toBe(true);
  });

  it('sorts a bad token, an unknown item and faults into typed errors, without showing the token', async () => {
    const wrong = providersFor(sims, {}, { PLEX_TOKEN: 'definitely-not-the-token' });
    const unauthorised = await wrong
      .require('plex')
      .sections()
      .catch((error: unknown) => error);
    expect(unauthorised).toBeInstanceOf(ProviderError);
    expect(unauthorised).toMatchObject({ kind: 'unauthorised', status: 401 });
    expect((unauthorised as Error).message).not.toContain('definitely-not-the-token');

    const plex = providers.require('plex');
    await expect(plex.artist('999999')).rejects.toMatchObject({ kind: 'not-found' });
    await expect(plex.artist(sims.library.album(0).ratingKey)).rejects.toMatchObject({ kind: 'not-found' });

    sims.plex.faults.failNext({ kind: 'status', status: 500 });
    sims.plex.faults.failNext('stall');
    await expect(plex.sections()).resolves.toHaveLength(2);
    sims.plex.faults.failNext('truncated');
    await expect(plex.sections()).rejects.toMatchObject({ kind: 'bad-response' });
    sims.plex.faults.set({ errorRate: 1, errors: [{ kind: 'reset' }] });
    await expect(plex.sections()).rejects.toMatchObject({ kind: 'unavailable', code: 'network' });
  });

  it('reports a missing configuration as not-configured', () => {
    const { PLEX_TOKEN: _token, ...rest } = sims.env;
    const unconfigured = providersFor({ ...sims, env: { ...rest, PLEX_TOKEN: '' } });
    expect(unconfigured.plex).toBeUndefined();
    expect(() => unconfigured.require('plex')).toThrow(ProviderError);
    try {
      unconfigured.require('plex');
    } catch (error) {
      expect(error).toMatchObject({ kind: 'not-configured', provider: 'plex' });
    }
    expect(unconfigured.stats().plex).toEqual({ provider: 'plex', configured: false, counters: undefined });
  });
});
