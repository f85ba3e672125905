import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLibrary } from '../../src/simulators/library.ts';
import { startPlexSimulator, type PlexSimulator } from '../../src/simulators/plex.ts';
import { getJson, list, record } from './helpers.ts';

describe('Plex simulator', () => {
  const library = createLibrary({ seed: 21, artists: 30 });
  let plex: PlexSimulator;
  let headers: Record<string, string>;

  beforeAll(async () => {
    plex = await startPlexSimulator({ library });
    headers = { 'X-Plex-Token': plex.token, Accept: 'application/json' };
  });
  afterAll(async () => {
    await plex.close();
  });

  const container = (body: unknown): Record<string, unknown> => record(record(body)['MediaContainer']);

  it('answers 401 without a valid token, and takes the token as a header or a query parameter', async () => {
    expect((await fetch(`${plex.url}/library/sections`, { headers: { Accept: 'application/json' } })).status).toBe(401);
    const wrong = await fetch(`${plex.url}/library/sections`, {
      headers: { 'X-Plex-Token': 'nope', Accept: 'application/json' },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('content-type')).toMatch(/text\/html/);
    expect((await fetch(`${plex.url}/library/sections`, { headers })).status).toBe(200);
    const query = await fetch(`${plex.url}/library/sections?X-Plex-Token=${plex.token}`, {
      headers: { Accept: 'application/json' },
    });
    expect(query.status).toBe(200);
    expect(plex.log.count({ provider: 'plex', status: 401 })).toBe(2);
  });

  it('lists the sections as Directory entries, the music one with type "artist"', async () => {
    const { body } = await getJson(`${plex.url}/library/sections`, { headers });
    const directories = list(container(body)['Directory']).map(record);
    expect(directories.map((directory) => directory['type'])).toEqual(['movie', 'artist']);
    const music = directories.find((directory) => directory['type'] === 'artist');
    expect(music?.['key']).toBe(plex.musicSectionId);
    expect(music?.['agent']).toBe('tv.plex.agents.music');
  });

  it('serves XML unless JSON is asked for', async () => {
    const response = await fetch(`${plex.url}/library/sections/${plex.musicSectionId}/all?type=8`, {
      headers: { 'X-Plex-Token': plex.token },
    });
    expect(response.headers.get('content-type')).toMatch(/xml/);
    const xml = await response.text();
    expect(xml).toMatch(/^<\?xml/);
    expect(xml).toContain('<Directory ratingKey="100"');
    expect(xml).toContain('title="AC/DC"');
  });

  it('pages with X-Plex-Container-Start/Size headers or query parameters, reporting offset, size and totalSize', async () => {
    const url = `${plex.url}/library/sections/${plex.musicSectionId}/all?type=10`;
    const byHeader = await getJson(url, {
      headers: { ...headers, 'X-Plex-Container-Start': '20', 'X-Plex-Container-Size': '7' },
    });
    const page = container(byHeader.body);
    expect(page).toMatchObject({ size: 7, offset: 20, totalSize: library.trackCount });
    expect(byHeader.headers.get('x-plex-container-start')).toBe('20');
    expect(byHeader.headers.get('x-plex-container-total-size')).toBe(String(library.trackCount));
    const items = list(page['Metadata']).map(record);
    expect(items.map((item) => item['ratingKey'])).toEqual([...library.tracks(20, 7)].map((track) => track.ratingKey));

    const byQuery = await getJson(`${url}&X-Plex-Container-Start=20&X-Plex-Container-Size=7`, { headers });
    expect(byQuery.body).toEqual(byHeader.body);

    const last = await getJson(url, {
      headers: { ...headers, 'X-Plex-Container-Start': String(library.trackCount - 3), 'X-Plex-Container-Size': '50' },
    });
    expect(container(last.body)['size']).toBe(3);
  });

  it('answers a size-0 request with the total only, without a Metadata key', async () => {
    const url = `${plex.url}/library/sections/${plex.musicSectionId}/all?type=9&X-Plex-Container-Start=0&X-Plex-Container-Size=0`;
    const page = container((await getJson(url, { headers })).body);
    expect(page['size']).toBe(0);
    expect(page['totalSize']).toBe(library.albumCount);
    expect(page).not.toHaveProperty('Metadata');
    plex.setQuirks({ omitEmptyMetadata: false });
    expect(container((await getJson(url, { headers })).body)['Metadata']).toEqual([]);
    plex.setQuirks({ omitEmptyMetadata: true });
  });

  it('returns every item without paging, and caps pages when the server forces pagination', async () => {
    const url = `${plex.url}/library/sections/${plex.musicSectionId}/all?type=8`;
    const all = container((await getJson(url, { headers })).body);
    expect(list(all['Metadata'])).toHaveLength(library.artistCount);
    expect(all).not.toHaveProperty('totalSize');
    plex.setQuirks({ maxPageSize: 4 });
    const capped = container(
      (await getJson(url, { headers: { ...headers, 'X-Plex-Container-Start': '0', 'X-Plex-Container-Size': '10' } }))
        .body,
    );
    expect(capped['size']).toBe(4);
    expect(capped['totalSize']).toBe(library.artistCount);
    plex.setQuirks({ maxPageSize: undefined });
  });

  it('adds Guid arrays to list items only with includeGuids=1, with the mbid:// entry where Plex matched one', async () => {
    const url = `${plex.url}/library/sections/${plex.musicSectionId}/all?type=8`;
    const without = list(container((await getJson(url, { headers })).body)['Metadata']).map(record);
    expect(without.every((item) => !('Guid' in item))).toBe(true);
    const withGuids = list(container((await getJson(`${url}&includeGuids=1`, { headers })).body)['Metadata']).map(
      record,
    );
    for (const item of withGuids) {
      const artist = library.byRatingKey(String(item['ratingKey']));
      if (artist?.kind !== 'artist') throw new Error('not an artist');
      const ids = list(item['Guid']).map((guid) => record(guid)['id']);
      expect(ids).toContain(artist.item.plex.guid);
      if (artist.item.plex.mbid !== undefined) expect(ids).toContain(`mbid://${artist.item.plex.mbid}`);
      else expect(ids.some((id) => String(id).startsWith('mbid://'))).toBe(false);
    }
  });

  it('shows only a few genres and no styles or moods in lists, everything in detail views (switchable)', async () => {
    const rich = [...library.artists()].find(
      (artist) => artist.plex.genres.length + artist.plex.styles.length > 2 && artist.plex.moods.length > 0,
    );
    if (rich === undefined) throw new Error('library has no richly tagged artist');
    const listed = async (): Promise<Record<string, unknown>> => {
      const url = `${plex.url}/library/sections/${plex.musicSectionId}/all?type=8`;
      const items = list(
        container(
          (
            await getJson(url, {
              headers: { ...headers, 'X-Plex-Container-Start': String(rich.index), 'X-Plex-Container-Size': '1' },
            })
          ).body,
        )['Metadata'],
      );
      return record(items[0]);
    };
    const partial = await listed();
    expect(list(partial['Genre']).length).toBeLessThanOrEqual(2);
    expect(partial).not.toHaveProperty('Style');
    expect(partial).not.toHaveProperty('Mood');

    const detail = record(
      list(
        container((await getJson(`${plex.url}/library/metadata/${rich.ratingKey}`, { headers })).body)['Metadata'],
      )[0],
    );
    const tags = (key: string): unknown[] =>
      detail[key] === undefined ? [] : list(detail[key]).map((tag) => record(tag)['tag']);
    expect(tags('Genre')).toEqual(rich.plex.genres);
    expect(tags('Style')).toEqual(rich.plex.styles);
    expect(tags('Mood')).toEqual(rich.plex.moods);
    expect(list(detail['Guid']).length).toBeGreaterThan(0);

    plex.setQuirks({ partialListTags: false });
    const full = await listed();
    expect(full['Style']).toEqual(detail['Style']);
    expect(full['Mood']).toEqual(detail['Mood']);
    plex.setQuirks({ partialListTags: true });
  });

  it('carries track statistics only when set, with ids as strings', async () => {
    const url = `${plex.url}/library/sections/${plex.musicSectionId}/all?type=10`;
    const items = list(container((await getJson(url, { headers })).body)['Metadata']).map(record);
    expect(items).toHaveLength(library.trackCount);
    for (const item of items) {
      const found = library.byRatingKey(String(item['ratingKey']));
      if (found?.kind !== 'track') throw new Error('not a track');
      const track = found.item;
      expect(typeof item['ratingKey']).toBe('string');
      expect(typeof item['grandparentRatingKey']).toBe('string');
      expect(item['grandparentTitle']).toBe(track.artistName);
      expect(item['parentTitle']).toBe(track.albumTitle);
      expect(item['userRating']).toBe(track.userRating);
      expect(item['viewCount']).toBe(track.viewCount === 0 ? undefined : track.viewCount);
      expect(item['skipCount']).toBe(track.skipCount === 0 ? undefined : track.skipCount);
      expect(item['lastViewedAt']).toBe(track.lastViewedAt);
      expect(item['duration']).toBe(track.durationMs);
    }
    expect(items.some((item) => !('viewCount' in item))).toBe(true);
    expect(items.some((item) => 'userRating' in item)).toBe(true);
  });

  it('serves children with hoisted parent fields, and several ratingKeys in one detail request', async () => {
    const album = library.album(2);
    const page = container(
      (await getJson(`${plex.url}/library/metadata/${album.ratingKey}/children`, { headers })).body,
    );
    expect(page['grandparentRatingKey']).toBe(Number(album.artistRatingKey));
    expect(page['parentTitle']).toBe(album.title);
    const tracks = list(page['Metadata']).map(record);
    expect(tracks.map((track) => track['ratingKey'])).toEqual(library.tracksOf(2).map((track) => track.ratingKey));
    expect(tracks[0]?.['grandparentRatingKey']).toBe(album.artistRatingKey);

    const artist = library.artist(1);
    const albums = list(
      container((await getJson(`${plex.url}/library/metadata/${artist.ratingKey}/children`, { headers })).body)[
        'Metadata'
      ],
    );
    expect(albums).toHaveLength(artist.albumCount);

    const keys = [library.artist(0).ratingKey, library.album(0).ratingKey, library.track(0).ratingKey];
    const detail = list(
      container((await getJson(`${plex.url}/library/metadata/${keys.join(',')}`, { headers })).body)['Metadata'],
    ).map(record);
    expect(detail.map((item) => item['type'])).toEqual(['artist', 'album', 'track']);
    expect((await fetch(`${plex.url}/library/metadata/99999999`, { headers })).status).toBe(404);
    expect((await fetch(`${plex.url}/library/sections/42/all`, { headers })).status).toBe(404);
  });

  it('offers the legacy agent: lastfm:// and local:// guids and no Guid arrays', async () => {
    plex.setQuirks({ agent: 'legacy' });
    try {
      const detail = record(
        list(
          container((await getJson(`${plex.url}/library/metadata/${library.artist(0).ratingKey}`, { headers })).body)[
            'Metadata'
          ],
        )[0],
      );
      expect(detail['guid']).toBe(`com.plexapp.agents.lastfm://${encodeURIComponent('AC/DC')}?lang=en`);
      expect(detail).not.toHaveProperty('Guid');
      const track = record(
        list(
          container((await getJson(`${plex.url}/library/metadata/${library.track(0).ratingKey}`, { headers })).body)[
            'Metadata'
          ],
        )[0],
      );
      expect(track['guid']).toBe(`local://${library.track(0).ratingKey}`);
    } finally {
      plex.setQuirks({ agent: 'modern' });
    }
  });

  it('serves a deep page of a 500,000-track library on demand', async () => {
    const big = await startPlexSimulator({ library: createLibrary({ seed: 500, tracks: 500_000 }) });
    try {
      const started = performance.now();
      const url = `${big.url}/library/sections/${big.musicSectionId}/all?type=10&X-Plex-Container-Start=499900&X-Plex-Container-Size=100`;
      const page = container(
        (await getJson(url, { headers: { 'X-Plex-Token': big.token, Accept: 'application/json' } })).body,
      );
      expect(page).toMatchObject({ size: 100, offset: 499_900, totalSize: 500_000 });
      expect(list(page['Metadata'])).toHaveLength(100);
      expect(performance.now() - started).toBeLessThan(5000);
    } finally {
      await big.close();
    }
  });
});
