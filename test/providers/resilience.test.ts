// Across all five clients: whatever the simulators throw at them ends in a value or a typed ProviderError,
// the breaker opens and recovers, and no secret reaches a message or a log line.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/providers/errors.ts';
import type { Providers } from '../../src/providers/create-providers.ts';
import type { Fault, Simulators } from '../../src/simulators/index.ts';
import { capturingLogger, fakeClock, providersFor, simulators } from './support.ts';

let sims: Simulators;

beforeAll(async () => {
  sims = await simulators({
    lastfm: { quirks: { rateLimit: { limit: 100, windowMs: 1000 } } },
    musicbrainz: { quirks: { rateLimit: { limit: 100, windowMs: 1000 } } },
  });
});

afterAll(async () => {
  await sims.close();
});

const EVERY_FAULT: Fault[] = [
  { kind: 'status', status: 500 },
  { kind: 'status', status: 502 },
  { kind: 'status', status: 503 },
  { kind: 'api-error' },
  { kind: 'api-error', code: 11 },
  { kind: 'stall' },
  { kind: 'malformed' },
  { kind: 'truncated' },
  { kind: 'reset' },
];

function calls(providers: Providers): Array<() => Promise<unknown>> {
  const artist = (index: number) => sims.library.artist(index);
  const track = sims.library.track(0);
  return [
    () => providers.require('plex').sections(),
    () => providers.require('plex').artist(artist(1).ratingKey),
    async () => {
      for await (const page of providers.require('plex').trackPages(sims.plex.musicSectionId, { pageSize: 400 }))
        void page;
    },
    () => providers.require('lastfm').artistTopTags(artist(2).name),
    () => providers.require('lastfm').albumTopTags(artist(0).name, sims.library.album(0).title),
    () => providers.require('musicbrainz').artistGenresByName(artist(3).name),
    () => providers.require('spotify').artistGenres(artist(4).name),
    () => providers.require('audiomuse').score(track.ratingKey),
  ];
}

describe('all clients under faults', () => {
  it('end every call in a value or a typed error, and never leak a secret', { timeout: 60_000 }, async () => {
    const captured = capturingLogger();
    const providers = providersFor(sims, {
      logger: captured.logger,
      perProvider: { lastfm: { requestsPerSecond: 50 }, musicbrainz: { requestsPerSecond: 50 } },
    });
    for (const simulator of [sims.plex, sims.lastfm, sims.musicbrainz, sims.spotify, sims.audiomuse]) {
      simulator.faults.set({ errorRate: 0.5, errors: EVERY_FAULT, stallMs: 2_000, seed: 'resilience' });
    }
    const outcomes: unknown[] = [];
    for (let round = 0; round < 4; round += 1) {
      const settled = await Promise.allSettled(calls(providers).map((call) => call()));
      for (const result of settled) outcomes.push(result.status === 'fulfilled' ? 'ok' : result.reason);
    }
    for (const simulator of [sims.plex, sims.lastfm, sims.musicbrainz, sims.spotify, sims.audiomuse])
      simulator.faults.reset();

    const failures = outcomes.filter((outcome) => outcome !== 'ok');
    const untyped = failures.filter((failure) => !(failure instanceof ProviderError));
    expect(untyped).toEqual([]);
    // Both happened: some calls came through thanks to retries, some ended in typed errors.
    expect(outcomes.filter((outcome) => outcome === 'ok').length).toBeGreaterThan(0);
    expect(failures.length).toBeGreaterThan(0);
    const stats = providers.stats();
    for (const name of ['plex', 'lastfm', 'musicbrainz', 'spotify', 'audiomuse'] as const) {
      expect(stats[name].counters?.retries).toBeGreaterThan(0);
    }

    const secrets = [
      sims.env.PLEX_TOKEN,
      sims.env.LASTFM_API_KEY,
      sims.env.SPOTIFY_CLIENT_SECRET,
      sims.env.AUDIOMUSE_TOKEN ?? '',
    ];
    const bearerTokens = sims.log
      .filter({ provider: 'spotify' })
      .map((entry) => /^Bearer (.+)$/.exec(entry.headers.authorization ?? '')?.[1])
      .filter((token): token is string => token !== undefined);
    const text = [
      ...failures.map(
        (failure) => `${(failure as Error).message} ${JSON.stringify(failure)} ${(failure as Error).stack ?? ''}`,
      ),
      ...captured.lines,
    ].join('\n');
    expect(captured.lines.length).toBeGreaterThan(0);
    for (const secret of [...secrets, ...bearerTokens]) {
      expect(secret.length).toBeGreaterThan(4);
      expect(text).not.toContain(secret);
    }
  });
});

describe('circuit breaker', () => {
  it('opens after repeated failures, fails fast while open, probes after the pause and closes after successes', async () => {
    const time = fakeClock();
    const providers = providersFor(sims, {
      clock: time.clock,
      tuning: { http: { maxAttempts: 2 }, breaker: { failureThreshold: 3, openMs: 30_000, successThreshold: 2 } },
    });
    const audiomuse = providers.require('audiomuse');
    const analysed =
      Array.from({ length: sims.library.trackCount }, (_, index) => index).find(
        (index) => sims.library.audioFeatures(index) !== null,
      ) ?? 0;
    const ratingKey = sims.library.track(analysed).ratingKey;
    sims.audiomuse.faults.set({ errorRate: 1, errors: [{ kind: 'status', status: 500 }] });
    for (let i = 0; i < 3; i += 1)
      await expect(audiomuse.score(ratingKey)).rejects.toMatchObject({ kind: 'unavailable', code: 'server-error' });
    expect(providers.stats().audiomuse.counters?.breaker).toBe('open');

    const sent = sims.log.count({ provider: 'audiomuse' });
    const open = await audiomuse.score(ratingKey).catch((error: unknown) => error);
    expect(open).toMatchObject({ kind: 'unavailable', code: 'circuit-open', retryAt: new Date(time.now() + 30_000) });
    expect(sims.log.count({ provider: 'audiomuse' })).toBe(sent);

    sims.audiomuse.faults.reset();
    time.advance(30_000);
    expect(providers.stats().audiomuse.counters?.breaker).toBe('half-open');
    await expect(audiomuse.score(ratingKey)).resolves.toMatchObject({ itemId: ratingKey });
    expect(providers.stats().audiomuse.counters?.breaker).toBe('half-open');
    await expect(audiomuse.score(ratingKey)).resolves.toMatchObject({ itemId: ratingKey });
    expect(providers.stats().audiomuse.counters?.breaker).toBe('closed');
  });
});
