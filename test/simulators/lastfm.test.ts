import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startLastfmSimulator, type LastfmSimulator } from '../../src/simulators/lastfm.ts';
import { createLibrary, type SyntheticArtist } from '../../src/simulators/library.ts';
import { ManualClock, USER_AGENT, getJson, list, record } from './helpers.ts';

describe('Last.fm simulator', () => {
  const library = createLibrary({ seed: 31, artists: 40 });
  const clock = new ManualClock();
  let lastfm: LastfmSimulator;

  beforeAll(async () => {
    lastfm = await startLastfmSimulator({ library, now: clock.now });
  });
  afterAll(async () => {
    await lastfm.close();
  });
  // Each test starts in a fresh rate-limit window.
  beforeEach(() => clock.advance(10_000));

  const call = (params: Record<string, string>, init: RequestInit = {}) =>
    getJson(`${lastfm.apiUrl}?${new URLSearchParams({ api_key: lastfm.apiKey, format: 'json', ...params })}`, {
      headers: { 'User-Agent': USER_AGENT },
      ...init,
    });

  const find = (predicate: (artist: SyntheticArtist) => boolean): SyntheticArtist => {
    const artist = [...library.artists()].find(predicate);
    if (artist === undefined) throw new Error('no such artist in the test library');
    return artist;
  };

  it('returns an artist’s top tags with counts relative to the top tag, and records the User-Agent', async () => {
    const artist = find(
      (candidate) => (candidate.lastfm?.tags.length ?? 0) > 1 && candidate.lastfm?.name === candidate.name,
    );
    const { status, body } = await call({ method: 'artist.getTopTags', artist: artist.name, autocorrect: '1' });
    expect(status).toBe(200);
    const toptags = record(record(body)['toptags']);
    expect(record(toptags['@attr'])['artist']).toBe(artist.lastfm?.name);
    const tags = list(toptags['tag']).map(record);
    expect(tags.map((tag) => [tag['name'], tag['count']])).toEqual(
      artist.lastfm?.tags.map((tag) => [tag.name, tag.count]),
    );
    expect(tags[0]?.['count']).toBe(100);
    expect(String(tags[0]?.['url'])).toMatch(/^https:\/\/www\.last\.fm\/tag\//);
    const logged = lastfm.log.entries.at(-1);
    expect(logged?.headers['user-agent']).toBe(USER_AGENT);
    expect(logged?.query['method']).toBe('artist.getTopTags');
  });

  it('accepts the endpoint with and without the trailing slash, and method names in any case', async () => {
    const base = lastfm.apiUrl.replace(/\/$/, '');
    const params = new URLSearchParams({
      method: 'ARTIST.GETTOPTAGS',
      artist: 'AC/DC',
      api_key: lastfm.apiKey,
      format: 'json',
    });
    const { status, body } = await getJson(`${base}?${params}`);
    expect(status).toBe(200);
    expect(record(record(body)['toptags'])['@attr']).toEqual({ artist: 'AC/DC' });
  });

  it('answers error 6 inside HTTP 200 for an unknown artist, error 10 with 403 for a bad key', async () => {
    const unknown = await call({ method: 'artist.getTopTags', artist: 'Nobody Anyone Has Heard Of' });
    expect(unknown.status).toBe(200);
    expect(unknown.body).toEqual({ error: 6, message: 'The artist you supplied could not be found', links: [] });
    const bad = await call({ method: 'artist.getTopTags', artist: 'AC/DC', api_key: 'wrong' });
    expect(bad.status).toBe(403);
    expect(record(bad.body)['error']).toBe(10);
    const missing = await getJson(`${lastfm.apiUrl}?method=artist.getTopTags&artist=Low&format=json`);
    expect(record(missing.body)['error']).toBe(10);
  });

  it('finds an artist filed under another spelling only with autocorrect=1', async () => {
    const artist = find(
      (candidate) => candidate.profile === 'lastfm-autocorrect' && (candidate.lastfm?.tags.length ?? 0) > 0,
    );
    const plain = await call({ method: 'artist.getTopTags', artist: artist.name, autocorrect: '0' });
    const ghost = record(record(plain.body)['toptags']);
    expect(ghost['tag']).toEqual([]);
    expect(record(ghost['@attr'])['artist']).toBe(artist.name);
    const corrected = record(
      record((await call({ method: 'artist.getTopTags', artist: artist.name, autocorrect: '1' })).body)['toptags'],
    );
    expect(record(corrected['@attr'])['artist']).toBe(artist.lastfm?.name);
    expect(list(corrected['tag']).length).toBe(artist.lastfm?.tags.length);
  });

  it('matches names case-insensitively', async () => {
    const { body } = await call({ method: 'artist.getTopTags', artist: 'sIGUR rós' });
    expect(record(record(record(body)['toptags'])['@attr'])['artist']).toBe('Sigur Rós');
  });

  it('returns a single tag as an object, or as a one-element array when that quirk is off', async () => {
    const artist = library.artist(0);
    const tag = artist.lastfm?.tags[0];
    if (artist.lastfm === null || tag === undefined) throw new Error('AC/DC has no Last.fm tags');
    const saved = artist.lastfm.tags;
    artist.lastfm.tags = [tag];
    try {
      const single = record(record((await call({ method: 'artist.getTopTags', artist: artist.name })).body)['toptags']);
      expect(record(single['tag'])['name']).toBe(tag.name);
      lastfm.setQuirks({ singleTagAsObject: false });
      const asArray = record(
        record((await call({ method: 'artist.getTopTags', artist: artist.name })).body)['toptags'],
      );
      expect(list(asArray['tag'])).toHaveLength(1);
    } finally {
      artist.lastfm.tags = saved;
      lastfm.setQuirks({ singleTagAsObject: true });
    }
  });

  it('writes an empty tag list as [], "" or no key at all, as configured', async () => {
    const artist = find((candidate) => candidate.lastfm !== null && candidate.lastfm.tags.length === 0);
    const toptags = async (): Promise<Record<string, unknown>> =>
      record(record((await call({ method: 'artist.getTopTags', artist: artist.name })).body)['toptags']);
    expect((await toptags())['tag']).toEqual([]);
    lastfm.setQuirks({ emptyTags: 'empty-string' });
    expect((await toptags())['tag']).toBe('');
    lastfm.setQuirks({ emptyTags: 'missing' });
    expect(await toptags()).not.toHaveProperty('tag');
    lastfm.setQuirks({ emptyTags: 'array' });
  });

  it('returns album top tags with artist and album in @attr, and "Album not found" otherwise', async () => {
    const album = [...library.albums()].find(
      (candidate) =>
        candidate.lastfm !== null && candidate.lastfm.tags.length > 1 && candidate.lastfm.name === candidate.title,
    );
    if (album?.lastfm == null) throw new Error('no tagged album');
    const { body } = await call({
      method: 'album.getTopTags',
      artist: album.artistName,
      album: album.title,
      autocorrect: '1',
    });
    const toptags = record(record(body)['toptags']);
    expect(record(toptags['@attr'])['album']).toBe(album.lastfm.name);
    expect(list(toptags['tag']).map((tag) => record(tag)['name'])).toEqual(album.lastfm.tags.map((tag) => tag.name));
    const missing = await call({ method: 'album.getTopTags', artist: album.artistName, album: 'No Such Album' });
    expect(missing.status).toBe(200);
    expect(missing.body).toEqual({ error: 6, message: 'Album not found', links: [] });
  });

  it('answers artist.getInfo for an unknown artist with HTTP 404 (unlike getTopTags)', async () => {
    const info = await call({ method: 'artist.getInfo', artist: 'Björk' });
    expect(info.status).toBe(200);
    const artist = record(record(info.body)['artist']);
    expect(artist['name']).toBe('Björk');
    expect(typeof record(artist['stats'])['listeners']).toBe('string');
    expect(list(record(artist['tags'])['tag']).length).toBeLessThanOrEqual(5);
    const unknown = await call({ method: 'artist.getInfo', artist: 'Nobody Anyone Has Heard Of' });
    expect(unknown.status).toBe(404);
    expect(record(unknown.body)['error']).toBe(6);
  });

  it('answers XML without format=json', async () => {
    const response = await fetch(
      `${lastfm.apiUrl}?${new URLSearchParams({ method: 'artist.getTopTags', artist: 'AC/DC', api_key: lastfm.apiKey })}`,
    );
    const xml = await response.text();
    expect(xml).toContain('<lfm status="ok">');
    expect(xml).toContain('<toptags artist="AC/DC">');
    const failed = await fetch(
      `${lastfm.apiUrl}?${new URLSearchParams({ method: 'artist.getTopTags', artist: 'zzz unknown', api_key: lastfm.apiKey })}`,
    );
    expect(await failed.text()).toContain('<error code="6">');
  });

  it('enforces 5 requests per second per IP with error 29, sent with 429 or 200 as configured', async () => {
    const burst = await Promise.all(
      Array.from({ length: 7 }, () => call({ method: 'artist.getTopTags', artist: 'Low' })),
    );
    const limited = burst.filter((response) => record(response.body)['error'] === 29);
    expect(limited).toHaveLength(2);
    expect(limited.every((response) => response.status === 429)).toBe(true);
    clock.advance(1000);
    expect((await call({ method: 'artist.getTopTags', artist: 'Low' })).status).toBe(200);

    lastfm.setQuirks({ rateLimitStatus: 200 });
    clock.advance(1000);
    const again = await Promise.all(
      Array.from({ length: 6 }, () => call({ method: 'artist.getTopTags', artist: 'Low' })),
    );
    const refused = again.filter((response) => record(response.body)['error'] === 29);
    expect(refused).toHaveLength(1);
    expect(refused[0]?.status).toBe(200);
    lastfm.setQuirks({ rateLimitStatus: 429 });
    expect(
      lastfm.log.count({ provider: 'lastfm', status: (status) => status === 200, since: clock.time - 1 }),
    ).toBeGreaterThan(0);
  });

  it('lets a client spaced at 4 requests/s through 200 requests without a single error 29', async () => {
    const start = clock.time;
    for (let i = 0; i < 200; i++) {
      clock.time = start + i * 250;
      const { body } = await call({ method: 'artist.getTopTags', artist: 'AC/DC' });
      expect(record(body)).not.toHaveProperty('error');
    }
    expect(lastfm.log.maxInWindow(1000, { provider: 'lastfm', since: start })).toBe(4);
  });

  it('can suspend the key (error 26) and inject transient API errors inside HTTP 200', async () => {
    lastfm.setQuirks({ suspended: true });
    const suspended = await call({ method: 'artist.getTopTags', artist: 'AC/DC' });
    expect(suspended.status).toBe(403);
    expect(record(suspended.body)['error']).toBe(26);
    lastfm.setQuirks({ suspended: false });

    lastfm.faults.failNext({ kind: 'api-error', code: 16 });
    lastfm.faults.failNext({ kind: 'api-error', code: 11 });
    const first = await call({ method: 'artist.getTopTags', artist: 'AC/DC' });
    const second = await call({ method: 'artist.getTopTags', artist: 'AC/DC' });
    expect([first.status, record(first.body)['error']]).toEqual([200, 16]);
    expect([second.status, record(second.body)['error']]).toEqual([200, 11]);
    const third = await call({ method: 'artist.getTopTags', artist: 'AC/DC' });
    expect(record(third.body)).toHaveProperty('toptags');
  });

  it('looks artists up by mbid, answering for the wrong artist for some ids unless that quirk is off', async () => {
    const big = createLibrary({ seed: 31, artists: 150 });
    const simulator = await startLastfmSimulator({ library: big, quirks: { rateLimit: undefined } });
    try {
      const answers = async (): Promise<Array<[string, unknown]>> => {
        const out: Array<[string, unknown]> = [];
        for (const artist of big.artists()) {
          const mbid = artist.lastfm?.mbid;
          if (mbid === undefined) continue;
          if (out.length >= 40) break;
          const params = new URLSearchParams({
            method: 'artist.getTopTags',
            mbid,
            api_key: simulator.apiKey,
            format: 'json',
          });
          const { body } = await getJson(`${simulator.apiUrl}?${params}`);
          out.push([artist.lastfm?.name ?? '', record(record(record(body)['toptags'])['@attr'])['artist']]);
        }
        return out;
      };
      const mixed = await answers();
      expect(mixed.length).toBeGreaterThan(20);
      expect(mixed.filter(([own, answered]) => own !== answered).length).toBeGreaterThan(0);
      simulator.setQuirks({ mbidMismatch: false });
      expect((await answers()).every(([own, answered]) => own === answered)).toBe(true);
      const unknown = await getJson(
        `${simulator.apiUrl}?${new URLSearchParams({ method: 'artist.getTopTags', mbid: '00000000-0000-4000-8000-000000000000', api_key: simulator.apiKey, format: 'json' })}`,
      );
      expect(record(unknown.body)['error']).toBe(6);
    } finally {
      await simulator.close();
    }
  });
});
