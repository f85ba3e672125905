import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../src/config.ts';

function problemsOf(env: Record<string, string>): string[] {
  try {
    parseConfig(env, '/srv');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('has the documented defaults', () => {
    const config = parseConfig({}, '/srv');
    expect(config).toMatchObject({
      databaseUrl: undefined,
      dataDir: '/srv/.data',
      host: '127.0.0.1',
      port: 4000,
      logLevel: 'info',
      ttl: { artistDays: 180, albumDays: 90, jitter: 0.1, negativeDays: 30 },
      concurrency: { artistWarm: 8, albumWarm: 3 },
      refresh: { lookaheadDays: 7, hourlyLimit: 10 },
      cron: { cacheWarm: '0 3 * * 0', cacheRefresh: '0 * * * *', trackStatsRefresh: '0 2 * * *' },
    });
    expect(config.providers.plex).toBeUndefined();
    expect(config.providers.lastfm).toBeUndefined();
    expect(config.providers.musicbrainz).toEqual({ url: 'https://musicbrainz.org/ws/2', requestsPerSecond: 1 });
    expect(config.providers.audiomuse).toBeUndefined();
  });

  it('configures a provider only when its credentials are present', () => {
    const config = parseConfig({
      PLEX_URL: 'http://192.168.1.10:32400/',
      PLEX_TOKEN: 'secret',
      LASTFM_API_KEY: 'key',
      SPOTIFY_CLIENT_ID: 'id',
      MUSICBRAINZ_ENABLED: 'false',
    });
    expect(config.providers.plex).toMatchObject({ url: 'http://192.168.1.10:32400', token: 'secret' });
    expect(config.providers.lastfm).toMatchObject({ url: 'https://ws.audioscrobbler.com/2.0', apiKey: 'key' });
    expect(config.providers.spotify).toBeUndefined();
    expect(config.providers.musicbrainz).toBeUndefined();
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT must be an integer from 0 to 65535 (got "abc")'],
    [{ TTL_JITTER_PERCENT: '150' }, 'TTL_JITTER_PERCENT must be an integer from 0 to 50 (got "150")'],
    [
      { CACHE_WARM_CRON: '0 3 * *' },
      'CACHE_WARM_CRON must be a five-field cron expression such as "0 3 * * 0" (minute hour day month weekday), or "off" (got "0 3 * *")',
    ],
    [
      { CACHE_REFRESH_CRON: '61 * * * *' },
      'CACHE_REFRESH_CRON must be a five-field cron expression such as "0 3 * * 0" (minute hour day month weekday), or "off" (got "61 * * * *")',
    ],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")'],
    [{ PLEX_URL: 'plex.local' }, 'PLEX_URL must be an http:// or https:// URL (got "plex.local")'],
    [{ MUSICBRAINZ_ENABLED: 'maybe' }, 'MUSICBRAINZ_ENABLED must be true or false (got "maybe")'],
  ])('rejects %o with one line naming the variable', (env, problem) => {
    expect(problemsOf(env)).toEqual([problem]);
  });

  it('lists every bad variable and never echoes a secret', () => {
    const problems = problemsOf({ PORT: 'x', DATABASE_URL: 'mysql://user:hunter2@db/x' });
    expect(problems).toHaveLength(2);
    expect(problems.join('\n')).not.toContain('hunter2');
    expect(problems).toContain('DATABASE_URL must be a postgres:// or postgresql:// connection URL');
  });

  it('turns a schedule off', () => {
    expect(parseConfig({ CACHE_WARM_CRON: 'off' }).cron.cacheWarm).toBeNull();
  });
});

describe('genre configuration', () => {
  it('rejects a malformed alias or blocklist entry at start, naming the variable', () => {
    expect(problemsOf({ GENRE_ALIASES: 'synthpop' })).toEqual([
      'GENRE_ALIASES: "synthpop" must be written from=to, both sides a genre',
    ]);
    expect(problemsOf({ GENRE_BLOCKLIST: '!!!' })).toEqual(['GENRE_BLOCKLIST: "!!!" has no letters or digits']);
    expect(parseConfig({ GENRE_ALIASES: 'synthpop=synth-pop', GENRE_BLOCKLIST: 'my faves' }).genres).toMatchObject({
      extraAliases: ['synthpop=synth-pop'],
      extraBlocklist: ['my faves'],
    });
  });

  it('reads a limit per facet, defaulting to two eras, three places, instruments and release types, two labels', () => {
    expect(parseConfig({}).genres.facetLimits).toEqual({
      eras: 2,
      places: 3,
      instruments: 3,
      labels: 2,
      releaseTypes: 3,
    });
    expect(parseConfig({ MAX_PLACES: '1', MAX_LABELS: '0' }).genres.facetLimits).toMatchObject({
      places: 1,
      labels: 0,
    });
    expect(() => parseConfig({ MAX_ERAS: '-1' })).toThrow(ConfigError);
  });
});
