import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLibrary, type SyntheticArtist } from '../../src/simulators/library.ts';
import { startMusicBrainzSimulator, type MusicBrainzSimulator } from '../../src/simulators/musicbrainz.ts';
import { ManualClock, USER_AGENT, getJson, list, record } from './helpers.ts';

describe('MusicBrainz simulator', () => {
  const library = createLibrary({ seed: 51, artists: 40 });
  const clock = new ManualClock();
  let musicbrainz: MusicBrainzSimulator;

  beforeAll(async () => {
    musicbrainz = await startMusicBrainzSimulator({ library, now: clock.now });
  });
  afterAll(async () => {
    await musicbrainz.close();
  });
  beforeEach(() => clock.advance(5000));

  const get = (path: string, headers: Record<string, string> = { 'User-Agent': USER_AGENT }) =>
    getJson(`${musicbrainz.apiUrl}${path}`, { headers });

  const withGenres = (): SyntheticArtist => {
    const artist = [...library.artists()].find((candidate) => (candidate.musicbrainz?.genres.length ?? 0) > 1);
    if (artist === undefined) throw new Error('no artist with MusicBrainz genres');
    return artist;
  };

  it('looks an artist up by mbid with inc=genres: genres with id, name, vote count', async () => {
    const artist = withGenres();
    const { status, body } = await get(`/artist/${artist.musicbrainz?.id}?inc=genres&fmt=json`);
    expect(status).toBe(200);
    const data = record(body);
    expect(data['id']).toBe(artist.musicbrainz?.id);
    expect(data['name']).toBe(artist.name);
    const genres = list(data['genres']).map(record);
    expect(genres.map((genre) => genre['name']).sort()).toEqual(
      artist.musicbrainz?.genres.map((genre) => genre.name).sort(),
    );
    for (const genre of genres) {
      expect(typeof genre['count']).toBe('number');
      expect(String(genre['id'])).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(data).not.toHaveProperty('tags');
  });

  it('adds tags with inc=genres+tags, leaves genres out without inc, and answers XML without fmt=json', async () => {
    const artist = withGenres();
    clock.advance(2000);
    const both = record((await get(`/artist/${artist.musicbrainz?.id}?inc=genres+tags&fmt=json`)).body);
    expect(both).toHaveProperty('genres');
    expect(both).toHaveProperty('tags');
    clock.advance(2000);
    expect(record((await get(`/artist/${artist.musicbrainz?.id}?fmt=json`)).body)).not.toHaveProperty('genres');
    clock.advance(2000);
    const xml = await fetch(`${musicbrainz.apiUrl}/artist/${artist.musicbrainz?.id}?inc=genres`, {
      headers: { 'User-Agent': USER_AGENT },
    });
    const textBody = await xml.text();
    expect(textBody).toContain('<metadata xmlns="http://musicbrainz.org/ns/mmd-2.0#">');
    expect(textBody).toContain('<genre-list>');
    clock.advance(2000);
    const accept = await get(`/artist/${artist.musicbrainz?.id}?inc=genres`, {
      'User-Agent': USER_AGENT,
      Accept: 'application/json',
    });
    expect(record(accept.body)['id']).toBe(artist.musicbrainz?.id);
  });

  it('answers 400 for an invalid mbid or inc, 404 for an unknown one, with the {error, help} envelope', async () => {
    const invalid = await get('/artist/not-an-mbid?inc=genres&fmt=json');
    expect(invalid.status).toBe(400);
    expect(invalid.body).toEqual({
      error: 'Invalid mbid.',
      help: 'For usage, please see: https://musicbrainz.org/development/mmd',
    });
    clock.advance(2000);
    const badInc = await get(`/artist/${withGenres().musicbrainz?.id}?inc=genress&fmt=json`);
    expect(badInc.status).toBe(400);
    clock.advance(2000);
    const unknown = await get('/artist/00000000-0000-4000-8000-000000000000?inc=genres&fmt=json');
    expect(unknown.status).toBe(404);
    expect(record(unknown.body)['error']).toBe('Not Found');
  });

  it('refuses requests without a User-Agent, or with a generic library one, with 403', async () => {
    const none = await getJson(`${musicbrainz.apiUrl}/artist?query=Low&fmt=json`, { headers: { 'User-Agent': '' } });
    expect(none.status).toBe(403);
    clock.advance(2000);
    // Node's fetch sends "node" when no User-Agent is set.
    expect((await getJson(`${musicbrainz.apiUrl}/artist?query=Low&fmt=json`)).status).toBe(403);
    clock.advance(2000);
    expect((await get('/artist?query=Low&fmt=json', { 'User-Agent': 'python-requests/2.31.0' })).status).toBe(403);
    clock.advance(2000);
    expect((await get('/artist?query=Low&fmt=json')).status).toBe(200);
    musicbrainz.setQuirks({ requireUserAgent: false });
    clock.advance(2000);
    expect((await getJson(`${musicbrainz.apiUrl}/artist?query=Low&fmt=json`)).status).toBe(200);
    musicbrainz.setQuirks({ requireUserAgent: true });
  });

  it('allows one request per second per client and refuses the rest with 503', async () => {
    const burst = await Promise.all([1, 2, 3].map(() => get('/artist?query=Low&fmt=json')));
    expect(burst.map((response) => response.status).sort()).toEqual([200, 503, 503]);
    const refused = burst.find((response) => response.status === 503);
    expect(String(record(refused?.body)['error'])).toContain('exceeding the allowable rate limit');
    expect(refused?.headers.get('retry-after')).toBeNull();
    clock.advance(1000);
    expect((await get('/artist?query=Low&fmt=json')).status).toBe(200);
    musicbrainz.setQuirks({ retryAfterOn503: true });
    const again = await get('/artist?query=Low&fmt=json');
    expect(again.status).toBe(503);
    expect(Number(again.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    musicbrainz.setQuirks({ retryAfterOn503: false });
  });

  it('searches by exact name: the artist first with score 100, near misses after with lower scores', async () => {
    for (const query of [
      'artist:"AC/DC"',
      'artist:AC\\/DC',
      '"Björk"',
      'artist:"C+C Music Factory"',
      'artist:"#1 Dads"',
    ]) {
      clock.advance(2000);
      const { status, body } = await get(`/artist?${new URLSearchParams({ query, fmt: 'json', limit: '5' })}`);
      expect(status).toBe(200);
      const data = record(body);
      const hits = list(data['artists']).map(record);
      expect(hits[0]?.['score']).toBe(100);
      expect(['AC/DC', 'Björk', 'C+C Music Factory', '#1 Dads']).toContain(hits[0]?.['name']);
      expect(hits.slice(1).every((hit) => Number(hit['score']) < 100)).toBe(true);
      expect(data['count']).toBeGreaterThanOrEqual(hits.length);
      expect(typeof data['created']).toBe('string');
    }
    clock.advance(2000);
    const unknown = [...library.artists()].find((artist) => artist.musicbrainz === null);
    if (unknown === undefined) throw new Error('every artist is on MusicBrainz');
    const misses = list(
      record((await get(`/artist?${new URLSearchParams({ query: `artist:"${unknown.name}"`, fmt: 'json' })}`)).body)[
        'artists'
      ],
    ).map(record);
    expect(misses.every((hit) => Number(hit['score']) < 100)).toBe(true);
  });
});
