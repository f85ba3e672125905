import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/providers/errors.ts';
import type { Providers } from '../../src/providers/create-providers.ts';
import { PROVIDER_RATE_LIMITS, SPECIAL_ARTIST_NAMES, type Simulators } from '../../src/simulators/index.ts';
import { SpotifyCatalogue } from '../../src/simulators/spotify-search.ts';
import { capturingLogger, fakeClock, providersFor, simulators } from './support.ts';

let sims: Simulators;
const time = fakeClock();
const captured = capturingLogger();

beforeAll(async () => {
  // One clock for both sides: token lifetimes and the daily quota move when the test says so.
  sims = await simulators({ now: time.now });
});

afterAll(async () => {
  await sims.close();
});

afterEach(() => {
  sims.spotify.faults.reset();
  sims.spotify.setQuirks({
    devGenres: 'present',
    tokenExpiresIn: 3600,
    rateLimit: PROVIDER_RATE_LIMITS.spotify,
    dailyQuota: PROVIDER_RATE_LIMITS.spotifyDailyQuota,
    ownerWithoutPremium: false,
  });
  // The rolling windows count on the frozen clock: move past them so each test starts clean.
  time.advance(86_400_000 * 2);
});

function fresh(): Providers {
  return providersFor(sims, {
    clock: time.clock,
    logger: captured.logger,
    perProvider: { spotify: { requestsPerSecond: 50 } },
  });
}

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe('Spotify client', () => {
  it('fetches a token once and reuses it, searching with limit 10', async () => {
    const spotify = fresh().require('spotify');
    const issued = sims.spotify.tokensIssued;
    for (const index of [14, 15, 16]) await spotify.artistGenres(sims.library.artist(index).name);
    expect(sims.spotify.tokensIssued - issued).toBe(1);
    const searches = sims.log.filter({ provider: 'spotify', path: '/v1/search' }).slice(-3);
    for (const search of searches) expect(search.query).toMatchObject({ type: 'artist', limit: '10' });
    const tokenRequest = sims.log.filter({ provider: 'spotify', path: '/api/token' }).at(-1);
    expect(tokenRequest?.method).toBe('POST');
    expect(tokenRequest?.headers.authorization).toMatch(/^Basic /);
  });

  it('finds every special name by its exact name, even when it is not the first result', async () => {
    const spotify = fresh().require('spotify');
    // The simulator ranks near misses ("Lowe", "Flow") above a short name: taking the first would be wrong.
    expect(new SpotifyCatalogue(sims.library).search('Low')[0]?.name).not.toBe('Low');
    for (const name of SPECIAL_ARTIST_NAMES) {
      const truth = sims.library.artistByName(name)?.spotify;
      const result = await spotify.artistGenres(name);
      expect(result.outcome).toBe('genres');
      expect(result.artist?.id).toBe(truth?.id);
      if (result.outcome === 'genres') expect(result.genres).toEqual(truth?.genres);
      const search = sims.log.filter({ provider: 'spotify', path: '/v1/search' }).at(-1);
      expect(search?.query.q).toBe(`artist:"${name.replace(/"/g, ' ').trim()}"`);
    }
  });

  it('says not-found when no result has the name, rather than taking the first', async () => {
    const error = await failure(fresh().require('spotify').artistGenres(sims.library.artist(10).name));
    expect(error.kind).toBe('not-found');
  });

  it('tells "no genres field" (cannot say) from "no genres" ([])', async () => {
    const providers = fresh();
    const spotify = providers.require('spotify');
    const name = sims.library.artist(14).name;
    sims.spotify.setQuirks({ devGenres: 'empty' });
    await expect(spotify.artistGenres(name)).resolves.toMatchObject({ outcome: 'genres', genres: [] });
    sims.spotify.setQuirks({ devGenres: 'absent' });
    await expect(spotify.artistGenres(name)).resolves.toMatchObject({
      outcome: 'cannot-say',
      reason: 'genres-field-missing',
    });
    expect(spotify.getCapabilities().genres).toBe('unavailable');
  });

  it('probes at start whether genres come at all, and then spends no quota on them', async () => {
    sims.spotify.setQuirks({ devGenres: 'absent' });
    const spotify = fresh().require('spotify');
    const capabilities = await spotify.probeCapabilities();
    expect(capabilities).toMatchObject({ genres: 'unavailable', error: undefined });
    const before = sims.log.count({ provider: 'spotify', path: '/v1/search' });
    await expect(spotify.artistGenres(sims.library.artist(15).name)).resolves.toMatchObject({
      outcome: 'cannot-say',
      reason: 'genres-unavailable',
    });
    expect(sims.log.count({ provider: 'spotify', path: '/v1/search' })).toBe(before);

    sims.spotify.setQuirks({ devGenres: 'present' });
    await expect(fresh().require('spotify').probeCapabilities()).resolves.toMatchObject({ genres: 'available' });
    // The probe artist is one Spotify certainly classifies: an empty list for it means no genres for this app.
    sims.spotify.setQuirks({ devGenres: 'empty' });
    await expect(fresh().require('spotify').probeCapabilities()).resolves.toMatchObject({ genres: 'unavailable' });
  });

  it('pauses the whole provider on the 403 of an app whose owner has no Premium, and sends nothing more', async () => {
    sims.spotify.setQuirks({ ownerWithoutPremium: true });
    const providers = fresh();
    const spotify = providers.require('spotify');
    const before = sims.log.count({ provider: 'spotify', path: '/v1/search' });
    const first = await failure(spotify.artistGenres(sims.library.artist(14).name));
    expect(first).toMatchObject({ kind: 'unauthorised', code: 'paused', status: 403 });
    expect(first.message).toContain('Active premium subscription required for the owner of the app');
    const later = await Promise.all(
      [15, 16, 17].map((index) => failure(spotify.artistGenres(sims.library.artist(index).name))),
    );
    for (const error of later) expect(error).toMatchObject({ kind: 'unauthorised', code: 'paused' });
    expect(sims.log.count({ provider: 'spotify', path: '/v1/search' }) - before).toBe(1);
    // Spotify says a renewed subscription takes a few hours to count: one request tries again after six.
    expect(providers.pause('spotify')?.retryAt.getTime()).toBe(time.now() + 6 * 3600_000);
    time.advance(6 * 3600_000);
    sims.spotify.setQuirks({ ownerWithoutPremium: false });
    await expect(spotify.artistGenres(sims.library.artist(14).name)).resolves.toMatchObject({ outcome: 'genres' });
    expect(providers.pause('spotify')).toBeUndefined();
  });

  it('refreshes the token before it expires', async () => {
    sims.spotify.setQuirks({ tokenExpiresIn: 600 });
    const spotify = fresh().require('spotify');
    const issued = sims.spotify.tokensIssued;
    await spotify.artistGenres(sims.library.artist(14).name);
    time.advance(590_000);
    await spotify.artistGenres(sims.library.artist(15).name);
    expect(sims.spotify.tokensIssued - issued).toBe(2);
    expect(sims.log.count({ provider: 'spotify', status: 401 })).toBe(0);
  });

  it('gets a new token after a 401 and retries once', async () => {
    const spotify = fresh().require('spotify');
    await spotify.artistGenres(sims.library.artist(14).name);
    const issued = sims.spotify.tokensIssued;
    const refused = sims.log.count({ provider: 'spotify', status: 401 });
    sims.spotify.expireTokens();
    await expect(spotify.artistGenres(sims.library.artist(16).name)).resolves.toMatchObject({ outcome: 'genres' });
    expect(sims.spotify.tokensIssued - issued).toBe(1);
    expect(sims.log.count({ provider: 'spotify', status: 401 }) - refused).toBe(1);
  });

  it('reports bad credentials as unauthorised without the secret, and pauses on them', async () => {
    const providers = providersFor(sims, { clock: time.clock }, { SPOTIFY_CLIENT_SECRET: 'wrong-secret-0000000000' });
    const tokensAsked = sims.log.count({ provider: 'spotify', path: '/api/token' });
    const error = await failure(providers.require('spotify').artistGenres('AC/DC'));
    expect(error).toMatchObject({ kind: 'unauthorised', code: 'paused', status: 400 });
    expect(error.message).toContain('invalid_client (Invalid client secret)');
    expect(error.message).not.toContain('wrong-secret-0000000000');
    // Every other search is held back by the pause: no second token request, no search at all.
    const searches = sims.log.count({ provider: 'spotify', path: '/v1/search' });
    const later = await Promise.all(
      [15, 16, 17].map((index) => failure(providers.require('spotify').artistGenres(sims.library.artist(index).name))),
    );
    for (const refused of later) expect(refused).toMatchObject({ kind: 'unauthorised', code: 'paused' });
    expect(sims.log.count({ provider: 'spotify', path: '/api/token' }) - tokensAsked).toBe(1);
    expect(sims.log.count({ provider: 'spotify', path: '/v1/search' })).toBe(searches);
    // Only other credentials end it (at once); the same ones are tried again a day later.
    expect(providers.pause('spotify')?.retryAt.getTime()).toBe(time.now() + 24 * 3600_000);
    const probe = await providers.require('spotify').probeCapabilities();
    expect(probe).toMatchObject({ genres: 'unknown', error: { kind: 'unauthorised' } });
  });

  it('pauses on a short Retry-After, halves its rate, and carries on', async () => {
    sims.spotify.setQuirks({ rateLimit: { limit: 2, windowMs: 1_000 } });
    const providers = fresh();
    const spotify = providers.require('spotify');
    // The simulator's window is on the fake clock: let it slide when the client has waited its Retry-After.
    const names = [14, 15, 16].map((index) => sims.library.artist(index).name);
    const pending = Promise.all(names.map((name) => spotify.artistGenres(name)));
    await sims.log.waitFor({ provider: 'spotify', status: 429 });
    time.advance(1_000);
    await expect(pending).resolves.toHaveLength(3);
    const counters = providers.stats().spotify.counters;
    expect(counters?.rateLimited).toBeGreaterThanOrEqual(1);
    expect(counters?.currentRate).toBe(25);
  });

  it('marks itself unavailable on the daily quota (Retry-After of hours) and fails fast until then', async () => {
    sims.spotify.setQuirks({ dailyQuota: { limit: 2, windowMs: 60_000, retryAfterSeconds: 52_531 } });
    const providers = fresh();
    const spotify = providers.require('spotify');
    await spotify.artistGenres(sims.library.artist(14).name);
    await spotify.artistGenres(sims.library.artist(15).name);
    const started = time.now();
    const error = await failure(spotify.artistGenres(sims.library.artist(16).name));
    expect(error).toMatchObject({ kind: 'unavailable', code: 'quota' });
    expect(error.retryAt?.getTime()).toBe(started + 52_531_000);
    const sent = sims.log.count({ provider: 'spotify' });
    const fast = await failure(spotify.artistGenres(sims.library.artist(19).name));
    expect(fast).toMatchObject({ kind: 'unavailable', retryAt: error.retryAt });
    expect(sims.log.count({ provider: 'spotify' })).toBe(sent);
    expect(providers.stats().spotify.counters?.unavailableUntil).toEqual(error.retryAt);

    time.advance(52_531_000);
    await expect(spotify.artistGenres(sims.library.artist(16).name)).resolves.toMatchObject({ outcome: 'genres' });
  });

  it('retries server errors and sorts a malformed body as bad-response', async () => {
    const spotify = fresh().require('spotify');
    const name = sims.library.artist(14).name;
    await spotify.artistGenres(sims.library.artist(15).name);
    sims.spotify.faults.failNext({ kind: 'status', status: 502 });
    sims.spotify.faults.failNext('reset');
    await expect(spotify.artistGenres(name)).resolves.toMatchObject({ outcome: 'genres' });
    sims.spotify.faults.failNext('malformed');
    await expect(spotify.artistGenres(sims.library.artist(16).name)).rejects.toMatchObject({ kind: 'bad-response' });
  });

  it('never shows the client secret or an access token in messages or logs', () => {
    const tokens = sims.log
      .filter({ provider: 'spotify' })
      .map((entry) => /^Bearer (.+)$/.exec(entry.headers.authorization ?? '')?.[1])
      .filter((token): token is string => token !== undefined);
    expect(tokens.length).toBeGreaterThan(0);
    const text = captured.lines.join('\n');
    expect(captured.lines.length).toBeGreaterThan(0);
    expect(text).not.toContain(sims.spotify.clientSecret);
    for (const token of new Set(tokens)) expect(text).not.toContain(token);
  });
});
