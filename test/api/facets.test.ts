// Facets through the API: the simulated Last.fm tags artists and albums with decades, years and
// nationalities besides their genres; after a warm those tags are the entries' facets, not genres.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normaliseNameKey } from '../../src/enrichment/text-keys.ts';
import { type Harness, startHarness } from '../support/harness.ts';
import { httpQuery } from '../support/graphql-clients.ts';
import { type ApiServer, startApiServer } from './support/api-server.ts';
import { FAST_ENV, populate } from './support/populate.ts';
import { NO_SCHEDULES } from './support/worker.ts';

// The simulator's non-genre tags and where the shipped vocabulary files them.
const PLACES: Readonly<Record<string, string>> = {
  british: 'United Kingdom',
  american: 'United States',
  german: 'Germany',
  swedish: 'Sweden',
  japanese: 'Japan',
  icelandic: 'Iceland',
  french: 'France',
  canadian: 'Canada',
};
const ERAS: Readonly<Record<string, string>> = {
  '60s': '1960s',
  '70s': '1970s',
  '80s': '1980s',
  '90s': '1990s',
  '00s': '2000s',
  '10s': '10s',
};
const MIN_WEIGHT = 10;

interface FacetsShape {
  eras: string[];
  places: string[];
  instruments: string[];
  labels: string[];
  releaseTypes: string[];
}
interface EntryShape {
  name: string;
  genres: string[];
  facets: FacetsShape;
  albums: { title: string; genres: string[]; facets: FacetsShape }[];
}

describe('facets of artists and albums', () => {
  let harness: Harness;
  let api: ApiServer;

  beforeAll(async () => {
    harness = await startHarness({ sims: { seed: 11, artists: 16 }, env: { ...FAST_ENV, ...NO_SCHEDULES } });
    await populate(harness, ['cache-warm', 'cache-warm-albums']);
    api = await startApiServer(harness);
  }, 120_000);
  afterAll(async () => {
    await api?.close();
    await harness?.close();
  });

  async function artistEntry(name: string): Promise<EntryShape | null> {
    const response = await httpQuery<{ artist: EntryShape | null }>(
      api.url,
      `query ($name: String!) {
        artist(name: $name) {
          name genres facets { eras places instruments labels releaseTypes }
          albums { title genres facets { eras places instruments labels releaseTypes } }
        }
      }`,
      { name },
    );
    expect(response.errors).toBeUndefined();
    return response.data?.artist ?? null;
  }

  it('files Last.fm nationalities and decades as places and eras, never as genres', async () => {
    const library = harness.sims.library;
    let checked = 0;
    for (let index = 0; index < library.artistCount; index += 1) {
      const truth = library.artist(index);
      const strong = (truth.lastfm?.tags ?? []).filter((tag) => tag.kind === 'other' && tag.count >= MIN_WEIGHT);
      const places = strong.flatMap((tag) => PLACES[tag.name] ?? []);
      const eras = strong.flatMap((tag) => ERAS[tag.name] ?? []);
      if (places.length + eras.length === 0 || normaliseNameKey(truth.name) === null) continue;
      const entry = await artistEntry(truth.name);
      expect(entry, truth.name).not.toBeNull();
      // Within the default limits (three places, two eras) every strong tag is there.
      if (places.length <= 3) expect(entry?.facets.places, truth.name).toEqual(expect.arrayContaining(places));
      if (eras.length <= 2) expect(entry?.facets.eras, truth.name).toEqual(expect.arrayContaining(eras));
      const genreKeys = new Set(entry?.genres.map((genre) => genre.toLowerCase()));
      for (const tag of strong) expect(genreKeys.has(tag.name.toLowerCase()), `${truth.name}: ${tag.name}`).toBe(false);
      checked += 1;
    }
    // The seed gives several artists such tags; a library without any would prove nothing.
    expect(checked).toBeGreaterThanOrEqual(3);
  });

  it('files an album’s Last.fm year tag as its era', async () => {
    const library = harness.sims.library;
    let checked = 0;
    for (let index = 0; index < library.albumCount && checked < 5; index += 1) {
      const album = library.album(index);
      const year = (album.lastfm?.tags ?? []).find((tag) => tag.name === String(album.year) && tag.count >= MIN_WEIGHT);
      if (year === undefined || album.lastfm?.name !== album.title) continue;
      const strongEras = (album.lastfm?.tags ?? []).filter(
        (tag) =>
          tag.kind === 'other' && tag.count >= MIN_WEIGHT && (ERAS[tag.name] !== undefined || /^\d{4}$/.test(tag.name)),
      );
      const entry = await artistEntry(album.artistName);
      const cached = entry?.albums.find((candidate) => candidate.title === album.title);
      expect(cached, album.title).toBeDefined();
      if (strongEras.length <= 2) expect(cached?.facets.eras, album.title).toContain(String(album.year));
      expect(cached?.genres, album.title).not.toContain(String(album.year));
      checked += 1;
    }
    expect(checked).toBeGreaterThanOrEqual(1);
  });

  it('drops a place the user blocks for one artist from its facets at once, and brings it back when unblocked', async () => {
    const library = harness.sims.library;
    let target: { name: string; tag: string; place: string } | undefined;
    for (let index = 0; index < library.artistCount && target === undefined; index += 1) {
      const truth = library.artist(index);
      if (normaliseNameKey(truth.name) === null) continue;
      const entry = await artistEntry(truth.name);
      const tag = (truth.lastfm?.tags ?? []).find(
        (candidate) =>
          PLACES[candidate.name] !== undefined && entry?.facets.places.includes(PLACES[candidate.name] ?? ''),
      );
      if (tag !== undefined) target = { name: truth.name, tag: tag.name, place: PLACES[tag.name] ?? '' };
    }
    if (target === undefined) throw new Error('the seed gives no artist a place facet');
    const block = await httpQuery<{ blockTag: { facets: FacetsShape } }>(
      api.url,
      `mutation ($artist: String!, $tag: String!) { blockTag(artist: $artist, tag: $tag) { ... on Artist { facets { eras places instruments labels releaseTypes } } } }`,
      { artist: target.name, tag: target.tag },
    );
    expect(block.errors).toBeUndefined();
    expect(block.data?.blockTag.facets.places).not.toContain(target.place);
    expect((await artistEntry(target.name))?.facets.places).not.toContain(target.place);
    const unblock = await httpQuery(
      api.url,
      'mutation ($artist: String!, $tag: String!) { unblockTag(artist: $artist, tag: $tag) { genres } }',
      { artist: target.name, tag: target.tag },
    );
    expect(unblock.errors).toBeUndefined();
    expect((await artistEntry(target.name))?.facets.places).toContain(target.place);
  });

  it('answers empty facet lists for an entry written before facets existed', async () => {
    const first = harness.sims.library.artist(0);
    await harness.db.pool.query(`UPDATE artist_cache SET facets = '{}'::jsonb WHERE name_key = $1`, [
      normaliseNameKey(first.name),
    ]);
    const entry = await artistEntry(first.name);
    expect(entry?.facets).toEqual({ eras: [], places: [], instruments: [], labels: [], releaseTypes: [] });
  });
});
