// The real clients against responses shaped exactly as the real services send them (hand-written
// fixtures, see fixtures/README.md), served by a plain HTTP server: no simulator logic in between.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { parseConfig } from '../../src/config.ts';
import { createProviders, type Providers } from '../../src/providers/create-providers.ts';
import { FAST } from './support.ts';

interface Answer {
  status?: number;
  headers?: Record<string, string>;
  fixture: string;
}

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

let server: Server;
let base = '';
let answer: (path: string, query: URLSearchParams) => Answer = () => ({ status: 404, fixture: 'lastfm-error-10.json' });
const seen: string[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://fixture');
    seen.push(`${url.pathname}${url.search}`);
    const chosen = answer(url.pathname, url.searchParams);
    response.writeHead(chosen.status ?? 200, { 'content-type': 'application/json; charset=utf-8', ...chosen.headers });
    response.end(fixture(chosen.fixture));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function providers(perProvider: Parameters<typeof createProviders>[1]['perProvider'] = {}): Providers {
  const config = parseConfig({
    LASTFM_API_URL: `${base}/2.0/`,
    LASTFM_API_KEY: '0123456789abcdef0123456789abcdef',
    MUSICBRAINZ_URL: `${base}/ws/2`,
    SPOTIFY_API_URL: `${base}/v1`,
    SPOTIFY_ACCOUNTS_URL: base,
    SPOTIFY_CLIENT_ID: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
    SPOTIFY_CLIENT_SECRET: '0f9e8d7c6b5a49382716f5e4d3c2b1a0',
  });
  return createProviders(config.providers, { logger: pino({ level: 'silent' }), tuning: FAST, perProvider });
}

describe("clients against the real services' documented responses", () => {
  it('Last.fm: a single tag as an object is one tag', async () => {
    answer = () => ({ fixture: 'lastfm-artist-toptags-single-tag.json' });
    await expect(providers().require('lastfm').artistTopTags('Slowdive')).resolves.toEqual({
      tags: [{ name: 'shoegaze', weight: 100 }],
      artist: 'Slowdive',
    });
  });

  it('Last.fm: error 26 and error 10 pause Last.fm after one request, whether sent with HTTP 200 or 403', async () => {
    for (const [file, status, reason] of [
      ['lastfm-error-26.json', 200, /^error 26: Suspended API key/],
      ['lastfm-error-10.json', 403, /^error 10: Invalid API key/],
    ] as const) {
      answer = () => ({ status, fixture: file });
      const client = providers();
      const before = seen.length;
      await expect(client.require('lastfm').artistTopTags('Slowdive')).rejects.toMatchObject({
        kind: 'unauthorised',
        code: 'paused',
      });
      await expect(client.require('lastfm').artistTopTags('Ride')).rejects.toMatchObject({ code: 'paused' });
      expect(seen.length - before).toBe(1);
      expect(client.pause('lastfm')?.reason).toMatch(reason);
    }
  });

  it('MusicBrainz: genres of an artist lookup, with their vote counts', async () => {
    answer = () => ({ fixture: 'musicbrainz-artist-genres.json' });
    const result = await providers().require('musicbrainz').artistGenresById('a74b1b7f-71a5-4011-9441-d0b5e4122711');
    expect(result).toMatchObject({
      outcome: 'genres',
      mbid: 'a74b1b7f-71a5-4011-9441-d0b5e4122711',
      name: 'Radiohead',
    });
    expect(result.genres).toEqual([
      { name: 'alternative rock', weight: 17 },
      { name: 'art rock', weight: 12 },
      { name: 'electronic', weight: 5 },
      { name: 'experimental rock', weight: 0 },
    ]);
  });

  it('MusicBrainz: two artists of one name are told apart by a library album among their release groups', async () => {
    answer = (path, query) => {
      if (path === '/ws/2/artist') return { fixture: 'musicbrainz-search-namesakes.json' };
      if (path === '/ws/2/release-group') {
        return {
          fixture:
            query.get('artist') === '5b11f4ce-a62d-471e-81fc-a69a8278c7da'
              ? 'musicbrainz-release-groups-grunge.json'
              : 'musicbrainz-release-groups-60s.json',
        };
      }
      return { fixture: 'musicbrainz-artist-genres.json' };
    };
    const musicbrainz = providers({ musicbrainz: { requestsPerSecond: 50 } }).require('musicbrainz');
    const found = await musicbrainz.findArtist('Nirvana', undefined, async () => [
      'Nevermind (Deluxe Edition)',
      'In Utero',
    ]);
    expect(found).toBe('5b11f4ce-a62d-471e-81fc-a69a8278c7da');
    const undecided = await musicbrainz.findArtist('Nirvana', undefined, async () => ['MTV Unplugged in New York']);
    expect(undecided).toMatchObject({
      outcome: 'ambiguous',
      candidates: [{ disambiguation: '60s band from the UK' }, { disambiguation: 'US grunge band' }],
    });
  });

  it('MusicBrainz: a 503 with X-RateLimit-Reset and no Retry-After pauses the limiter until the reset', async () => {
    let refused = false;
    answer = () => {
      if (refused) return { fixture: 'musicbrainz-artist-genres.json' };
      refused = true;
      return {
        status: 503,
        headers: {
          'x-ratelimit-limit': '1',
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 1),
        },
        fixture: 'lastfm-error-10.json',
      };
    };
    const client = providers({ musicbrainz: { requestsPerSecond: 50 } });
    const lookup = client.require('musicbrainz').artistGenresById('a74b1b7f-71a5-4011-9441-d0b5e4122711');
    await expect.poll(() => client.stats().musicbrainz.counters?.pausedUntil).not.toBeNull();
    const pausedUntil = client.stats().musicbrainz.counters?.pausedUntil?.getTime() ?? 0;
    // The FAST tuning's default pause is 50 ms: a pause this long can only come from the header.
    expect(pausedUntil - Date.now()).toBeGreaterThan(500);
    await expect(lookup).resolves.toMatchObject({ name: 'Radiohead' });
    expect(client.stats().musicbrainz.counters?.rateLimited).toBe(1);
  });

  it('Spotify: a development-mode artist without popularity or followers; an empty genre list for the probe artist means no genres for this app', async () => {
    answer = (path) =>
      path === '/api/token' ? { fixture: 'spotify-token.json' } : { fixture: 'spotify-search-dev-mode.json' };
    const spotify = providers().require('spotify');
    await expect(spotify.artistGenres('Radiohead')).resolves.toMatchObject({
      outcome: 'genres',
      genres: [],
      artist: { id: '4Z8W4fKeB5YxbusRsdQVPb' },
    });
    expect(seen.at(-1)).toContain(`q=${encodeURIComponent('artist:"Radiohead"')}`);
    await expect(spotify.probeCapabilities()).resolves.toMatchObject({ genres: 'unavailable' });
  });

  it('Spotify: the 403 for an app owner without Premium pauses Spotify after one request', async () => {
    answer = (path) =>
      path === '/api/token'
        ? { fixture: 'spotify-token.json' }
        : { status: 403, fixture: 'spotify-premium-required.json' };
    const client = providers();
    const before = seen.filter((entry) => entry.startsWith('/v1/')).length;
    await expect(client.require('spotify').artistGenres('Radiohead')).rejects.toMatchObject({
      kind: 'unauthorised',
      code: 'paused',
      status: 403,
    });
    await expect(client.require('spotify').artistGenres('Ride')).rejects.toMatchObject({ code: 'paused' });
    expect(seen.filter((entry) => entry.startsWith('/v1/')).length - before).toBe(1);
    expect(client.pause('spotify')?.reason).toContain('Active premium subscription required for the owner of the app');
  });
});
