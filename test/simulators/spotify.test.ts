import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLibrary } from '../../src/simulators/library.ts';
import { startSpotifySimulator, type SpotifySimulator } from '../../src/simulators/spotify.ts';
import { ManualClock, getJson, list, record } from './helpers.ts';

describe('Spotify simulator', () => {
  const library = createLibrary({ seed: 41, artists: 40 });
  const clock = new ManualClock();
  let spotify: SpotifySimulator;

  beforeAll(async () => {
    spotify = await startSpotifySimulator({ library, now: clock.now });
  });
  afterAll(async () => {
    await spotify.close();
  });
  beforeEach(() => clock.advance(60_000));

  const basic = (id: string, secret: string): string => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

  const requestToken = (init: { authorization?: string; body?: string }) =>
    getJson(`${spotify.accountsUrl}/api/token`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        ...(init.authorization === undefined ? {} : { Authorization: init.authorization }),
      },
      body: init.body ?? 'grant_type=client_credentials',
    });

  const token = async (): Promise<string> => {
    const { status, body } = await requestToken({ authorization: basic(spotify.clientId, spotify.clientSecret) });
    expect(status).toBe(200);
    return String(record(body)['access_token']);
  };

  const search = (bearer: string, params: Record<string, string>) =>
    getJson(`${spotify.apiUrl}/search?${new URLSearchParams(params)}`, {
      headers: { Authorization: `Bearer ${bearer}` },
    });

  const artistNames = (body: unknown): unknown[] =>
    list(record(record(body)['artists'])['items']).map((item) => record(item)['name']);

  it('issues client-credentials tokens for Basic auth or form credentials, valid for 3600 s', async () => {
    const { status, body } = await requestToken({ authorization: basic(spotify.clientId, spotify.clientSecret) });
    expect(status).toBe(200);
    expect(record(body)).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    expect(String(record(body)['access_token']).length).toBeGreaterThan(20);
    const form = await requestToken({
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: spotify.clientId,
        client_secret: spotify.clientSecret,
      }).toString(),
    });
    expect(form.status).toBe(200);
  });

  it('refuses bad credentials and a missing grant type with 400 and the accounts error shape', async () => {
    const wrongSecret = await requestToken({ authorization: basic(spotify.clientId, 'nope') });
    expect(wrongSecret.status).toBe(400);
    expect(wrongSecret.body).toEqual({ error: 'invalid_client', error_description: 'Invalid client secret' });
    const wrongClient = await requestToken({ authorization: basic('someone-else', spotify.clientSecret) });
    expect(wrongClient.body).toEqual({ error: 'invalid_client', error_description: 'Invalid client' });
    const noGrant = await requestToken({ authorization: basic(spotify.clientId, spotify.clientSecret), body: '' });
    expect(noGrant.status).toBe(400);
    expect(record(noGrant.body)['error']).toBe('unsupported_grant_type');
  });

  it('answers 401 to a missing, unknown or expired token, and the token endpoint is not on the API host', async () => {
    expect((await getJson(`${spotify.apiUrl}/search?q=Low&type=artist`)).status).toBe(401);
    const unknown = await search('not-a-token', { q: 'Low', type: 'artist' });
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual({ error: { status: 401, message: 'Missing/invalid/expired access token' } });
    const bearer = await token();
    expect((await search(bearer, { q: 'Low', type: 'artist' })).status).toBe(200);
    clock.advance(3600 * 1000);
    expect((await search(bearer, { q: 'Low', type: 'artist' })).status).toBe(401);
    expect((await fetch(`${spotify.url}/api/token`, { method: 'POST' })).status).not.toBe(200);
  });

  it('honours a short token lifetime and a forced expiry', async () => {
    spotify.setQuirks({ tokenExpiresIn: 2 });
    try {
      const { body } = await requestToken({ authorization: basic(spotify.clientId, spotify.clientSecret) });
      expect(record(body)['expires_in']).toBe(2);
      const bearer = String(record(body)['access_token']);
      clock.advance(1000);
      expect((await search(bearer, { q: 'Low', type: 'artist' })).status).toBe(200);
      clock.advance(1000);
      expect((await search(bearer, { q: 'Low', type: 'artist' })).status).toBe(401);
    } finally {
      spotify.setQuirks({ tokenExpiresIn: 3600 });
    }
    const bearer = await token();
    spotify.expireTokens();
    expect((await search(bearer, { q: 'Low', type: 'artist' })).status).toBe(401);
  });

  it('rejects limit above 10 with 400 "Invalid limit" and defaults to 5', async () => {
    const bearer = await token();
    const tooMany = await search(bearer, { q: 'Low', type: 'artist', limit: '11' });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toEqual({ error: { status: 400, message: 'Invalid limit' } });
    const ten = await search(bearer, { q: 'Low', type: 'artist', limit: '10' });
    expect(ten.status).toBe(200);
    const fallback = await search(bearer, { q: 'Low', type: 'artist' });
    expect(record(record(fallback.body)['artists'])['limit']).toBe(5);
    expect((await search(bearer, { q: '', type: 'artist' })).status).toBe(400);
    expect((await search(bearer, { q: 'Low' })).status).toBe(400);
  });

  it('ranks near-miss names around the artist: "Low" comes after "Lowe" and "Flow"', async () => {
    const bearer = await token();
    const { body } = await search(bearer, { q: 'Low', type: 'artist', limit: '10' });
    const names = artistNames(body);
    expect(names.slice(0, 2)).toEqual(['Lowe', 'Flow']);
    expect(names[2]).toBe('Low');
    const page = record(record(body)['artists']);
    expect(page['total']).toBe(names.length);
    expect(String(page['href'])).toContain(`${spotify.apiUrl}/search?`);
  });

  it('matches case and accents loosely, and returns only near misses for artists it does not know', async () => {
    const bearer = await token();
    expect(artistNames((await search(bearer, { q: 'artist:"bjork"', type: 'artist', limit: '10' })).body)).toContain(
      'Björk',
    );
    const unknown = [...library.artists()].find((artist) => artist.spotify === null);
    if (unknown === undefined) throw new Error('every artist is on Spotify');
    const names = artistNames((await search(bearer, { q: unknown.name, type: 'artist', limit: '10' })).body);
    expect(names.length).toBeGreaterThan(0);
    expect(names).not.toContain(unknown.name);
  });

  it('drops followers and popularity in development mode, and genres as configured', async () => {
    const bearer = await token();
    const artistOf = async (): Promise<Record<string, unknown>> => {
      const { body } = await search(bearer, { q: 'AC/DC', type: 'artist', limit: '10' });
      const items = list(record(record(body)['artists'])['items']).map(record);
      const found = items.find((item) => item['name'] === 'AC/DC');
      if (found === undefined) throw new Error('AC/DC not found');
      return found;
    };
    const dev = await artistOf();
    expect(dev).not.toHaveProperty('popularity');
    expect(dev).not.toHaveProperty('followers');
    expect(dev['genres']).toEqual(library.artist(0).spotify?.genres);
    expect(dev).toMatchObject({ type: 'artist', uri: `spotify:artist:${String(dev['id'])}` });

    spotify.setQuirks({ devGenres: 'empty' });
    expect((await artistOf())['genres']).toEqual([]);
    spotify.setQuirks({ devGenres: 'absent' });
    expect(await artistOf()).not.toHaveProperty('genres');
    spotify.setQuirks({ mode: 'extended', devGenres: 'present' });
    const extended = await artistOf();
    expect(extended).toHaveProperty('popularity');
    expect(record(extended['followers'])).toHaveProperty('total');
    expect((await search(bearer, { q: 'Low', type: 'artist', limit: '50' })).status).toBe(200);
    spotify.setQuirks({ mode: 'development' });
  });

  it('serves single artists by id and refuses the endpoints development mode lost', async () => {
    const bearer = await token();
    const truth = library.artist(3).spotify;
    if (truth === null) throw new Error('Björk is not on Spotify');
    const one = await getJson(`${spotify.apiUrl}/artists/${truth.id}`, {
      headers: { Authorization: `Bearer ${bearer}` },
    });
    expect(record(one.body)['name']).toBe(truth.name);
    const several = await getJson(`${spotify.apiUrl}/artists?ids=${truth.id}`, {
      headers: { Authorization: `Bearer ${bearer}` },
    });
    expect(several.status).toBe(403);
    const features = await getJson(`${spotify.apiUrl}/audio-features/abc`, {
      headers: { Authorization: `Bearer ${bearer}` },
    });
    expect(features.status).toBe(403);
  });

  it('enforces the rolling window with 429, a short Retry-After and "API rate limit exceeded"', async () => {
    spotify.setQuirks({ rateLimit: { limit: 3, windowMs: 30_000 } });
    try {
      const bearer = await token();
      const statuses: number[] = [];
      let refused: Awaited<ReturnType<typeof search>> | undefined;
      for (let i = 0; i < 4; i++) {
        const response = await search(bearer, { q: 'Low', type: 'artist' });
        statuses.push(response.status);
        if (response.status === 429) refused = response;
      }
      expect(statuses).toEqual([200, 200, 200, 429]);
      expect(refused?.body).toEqual({ error: { status: 429, message: 'API rate limit exceeded' } });
      const retryAfter = Number(refused?.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(30);
      clock.advance(retryAfter * 1000);
      expect((await search(bearer, { q: 'Low', type: 'artist' })).status).toBe(200);
    } finally {
      spotify.setQuirks({ rateLimit: { limit: 90, windowMs: 30_000 } });
    }
  });

  it('answers a spent daily quota with QUOTA_EXCEEDED and a Retry-After of about 14 hours', async () => {
    spotify.setQuirks({ dailyQuota: { limit: 2, windowMs: 86_400_000 } });
    try {
      const bearer = await token();
      expect((await search(bearer, { q: 'Low', type: 'artist' })).status).toBe(200);
      expect((await search(bearer, { q: 'Low', type: 'artist' })).status).toBe(200);
      const spent = await search(bearer, { q: 'Low', type: 'artist' });
      expect(spent.status).toBe(429);
      expect(spent.body).toEqual({ error: { status: 429, message: 'Too many requests', reason: 'QUOTA_EXCEEDED' } });
      expect(Number(spent.headers.get('retry-after'))).toBeGreaterThan(12 * 3600);
      clock.advance(86_400_000);
      expect((await search(await token(), { q: 'Low', type: 'artist' })).status).toBe(200);
    } finally {
      spotify.setQuirks({ dailyQuota: undefined });
    }
  });
});
