import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import { SPECIAL_ARTIST_NAMES, startSimulators, type Simulators } from '../../src/simulators/index.ts';
import { ManualClock, USER_AGENT, getJson, list, record } from './helpers.ts';

describe('startSimulators', () => {
  const clock = new ManualClock();
  let sims: Simulators;

  beforeAll(async () => {
    sims = await startSimulators({ seed: 81, artists: 20, now: clock.now });
  });
  afterAll(async () => {
    await sims.close();
  });

  it('returns URLs and credentials shaped as linernotes’ environment, which its config accepts', () => {
    const { env } = sims;
    expect(env.LASTFM_API_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/2\.0\/$/);
    expect(env.SPOTIFY_API_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect(env.SPOTIFY_ACCOUNTS_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(env.MUSICBRAINZ_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/ws\/2$/);
    expect(env.PLEX_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(env.AUDIOMUSE_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(env.SPOTIFY_ACCOUNTS_URL).not.toBe(sims.spotify.url);
    const config = parseConfig({ ...env });
    expect(config.providers.plex?.url).toBe(env.PLEX_URL);
    expect(config.providers.lastfm?.apiKey).toBe(env.LASTFM_API_KEY);
    expect(config.providers.spotify?.accountsUrl).toBe(env.SPOTIFY_ACCOUNTS_URL);
    expect(config.providers.musicbrainz?.url).toBe(env.MUSICBRAINZ_URL);
    expect(config.providers.audiomuse?.token).toBe(env.AUDIOMUSE_TOKEN);
  });

  it('serves one library and logs every provider into one log', async () => {
    const { env } = sims;
    await fetch(`${env.PLEX_URL}/library/sections`, { headers: { 'X-Plex-Token': env.PLEX_TOKEN } });
    await fetch(`${env.LASTFM_API_URL}?method=artist.gettoptags&artist=Low&api_key=${env.LASTFM_API_KEY}&format=json`);
    await fetch(`${env.AUDIOMUSE_URL}/api/health`);
    const providers = sims.log.countByProvider();
    expect(providers.get('plex')).toBeGreaterThan(0);
    expect(providers.get('lastfm')).toBeGreaterThan(0);
    expect(providers.get('audiomuse')).toBeGreaterThan(0);
    expect(sims.plex.library).toBe(sims.library);
    expect(sims.musicbrainz.library).toBe(sims.library);
  });

  it('gets every special name through each provider intact when it is encoded properly', async () => {
    const { env, library } = sims;
    const basic = Buffer.from(`${env.SPOTIFY_CLIENT_ID}:${env.SPOTIFY_CLIENT_SECRET}`).toString('base64');
    const token = record(
      (
        await getJson(`${env.SPOTIFY_ACCOUNTS_URL}/api/token`, {
          method: 'POST',
          headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded' },
          body: 'grant_type=client_credentials',
        })
      ).body,
    )['access_token'];

    for (const name of SPECIAL_ARTIST_NAMES) {
      clock.advance(2000);
      const artist = library.artistByName(name);
      expect(artist?.name).toBe(name);

      const lastfm = await getJson(
        `${env.LASTFM_API_URL}?${new URLSearchParams({ method: 'artist.getTopTags', artist: name, autocorrect: '1', api_key: env.LASTFM_API_KEY, format: 'json' })}`,
      );
      expect(record(record(record(lastfm.body)['toptags'])['@attr'])['artist']).toBe(name);

      const spotify = await getJson(
        `${env.SPOTIFY_API_URL}/search?${new URLSearchParams({ q: name, type: 'artist', limit: '10' })}`,
        {
          headers: { Authorization: `Bearer ${String(token)}` },
        },
      );
      expect(list(record(record(spotify.body)['artists'])['items']).map((item) => record(item)['name'])).toContain(
        name,
      );

      const escaped = name.replace(/[+\-&|!(){}[\]^"~*?:\\/]/g, '\\$&');
      const musicbrainz = await getJson(
        `${env.MUSICBRAINZ_URL}/artist?${new URLSearchParams({ query: `artist:"${escaped}"`, fmt: 'json' })}`,
        {
          headers: { 'User-Agent': USER_AGENT },
        },
      );
      const hit = record(list(record(musicbrainz.body)['artists'])[0]);
      expect([hit['name'], hit['score']]).toEqual([name, 100]);

      const plex = await getJson(`${env.PLEX_URL}/library/metadata/${artist?.ratingKey ?? ''}`, {
        headers: { 'X-Plex-Token': env.PLEX_TOKEN, Accept: 'application/json' },
      });
      expect(record(list(record(record(plex.body)['MediaContainer'])['Metadata'])[0])['title']).toBe(name);
    }
    expect(sims.log.countByQuery('artist', { provider: 'lastfm' }).get('C+C Music Factory')).toBe(1);
    expect(sims.log.countByQuery('artist', { provider: 'lastfm' }).get('#1 Dads')).toBe(1);
  });

  it('does not match a name that was not encoded: "+" arrives as a space and "#" cuts the URL', async () => {
    const { env } = sims;
    clock.advance(2000);
    const plus = await getJson(
      `${env.LASTFM_API_URL}?method=artist.getTopTags&artist=C+C Music Factory&api_key=${env.LASTFM_API_KEY}&format=json`,
    );
    expect(record(plus.body)['error']).toBe(6);
    const hash = await getJson(
      `${env.LASTFM_API_URL}?method=artist.getTopTags&api_key=${env.LASTFM_API_KEY}&format=json&artist=#1 Dads`,
    );
    expect(record(hash.body)['error']).toBe(6);
  });
});
