// The pure parts of the provider layer, with a fake clock where time decides: names, redaction, the
// breaker, the limiter's pauses and adaptive rate, single-flight, AudioMuse's feature strings.
import { describe, expect, it } from 'vitest';
import { parseFeatureString } from '../../src/providers/audiomuse.ts';
import { CircuitBreaker } from '../../src/providers/circuit-breaker.ts';
import { ProviderError, redact, registerSecret } from '../../src/providers/errors.ts';
import { parseRateLimitReset, parseRetryAfter } from '../../src/providers/http.ts';
import { buildUrl, encodeComponent, normaliseName } from '../../src/providers/names.ts';
import { RateLimiter } from '../../src/providers/rate-limiter.ts';
import { SingleFlight } from '../../src/providers/single-flight.ts';

function fakeClock(start = Date.parse('2026-11-26T12:00:00Z')) {
  let now = start;
  return {
    clock: () => new Date(now),
    advance: (ms: number) => {
      now += ms;
    },
  };
}

const transientFailure = () =>
  new ProviderError({ provider: 'lastfm', kind: 'unavailable', code: 'server-error', message: 'HTTP 500' });

describe('names', () => {
  it('percent-encodes every special name so that it decodes back intact', () => {
    const names = [
      'AC/DC',
      "Guns N' Roses",
      'Simon & Garfunkel',
      'Björk',
      'Sigur Rós',
      '坂本龍一',
      'Μίκης Θεοδωράκης',
      'C+C Music #1 Factory',
    ];
    for (const name of names) {
      const encoded = encodeComponent(name);
      expect(encoded).toMatch(/^[A-Za-z0-9%._~-]*$/);
      expect(decodeURIComponent(encoded)).toBe(name);
      expect(new URL(buildUrl('http://h', '/p', { q: name })).searchParams.get('q')).toBe(name);
    }
    expect(encodeComponent('Simon & Garfunkel')).toBe('Simon%20%26%20Garfunkel');
    expect(encodeComponent('a+b #c')).toBe('a%2Bb%20%23c');
  });

  it('normalises case, accents, punctuation and "&" but keeps different names apart', () => {
    expect(normaliseName('Björk')).toBe(normaliseName('BJORK'));
    expect(normaliseName('Simon & Garfunkel')).toBe(normaliseName('Simon and Garfunkel'));
    expect(normaliseName('AC/DC')).toBe(normaliseName('acdc'));
    expect(normaliseName('Guns N’ Roses')).toBe(normaliseName("Guns N' Roses"));
    expect(normaliseName('Μίκης Θεοδωράκης')).toBe(normaliseName('ΜΙΚΗΣ ΘΕΟΔΩΡΑΚΗΣ'));
    expect(normaliseName('坂本龍一')).toBe('坂本龍一');
    expect(normaliseName('!!!')).toBe('!!!');
    expect(normaliseName('Björk')).not.toBe(normaliseName('Björk Guðmundsdóttir'));
    expect(normaliseName('The Beatles')).not.toBe(normaliseName('Beatles Revival'));
  });
});

describe('secrets', () => {
  it('never leave in an error message, in a URL or a header', () => {
    registerSecret('plex-token-0123456789');
    const error = new ProviderError({
      provider: 'plex',
      kind: 'unauthorised',
      message: 'GET http://h/library?X-Plex-Token=plex-token-0123456789 refused (plex-token-0123456789)',
    });
    expect(error.message).not.toContain('plex-token-0123456789');
    expect(JSON.stringify(error)).not.toContain('plex-token-0123456789');
    expect(redact('https://ws/2.0/?method=x&api_key=unregistered-key&format=json')).not.toContain('unregistered-key');
    expect(redact('Authorization: Bearer abcdefghijklmnop')).not.toContain('abcdefghijklmnop');
    expect(redact('authorization=Basic Zm9vOmJhcg==')).not.toContain('Zm9vOmJhcg==');
  });
});

describe('Retry-After', () => {
  it('reads seconds and HTTP dates', () => {
    const now = Date.parse('2026-11-26T12:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('52531', now)).toBe(52_531_000);
    expect(parseRetryAfter('Thu, 26 Nov 2026 12:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});

describe('circuit breaker', () => {
  it('opens after consecutive transient failures, probes after the pause, closes after successes', async () => {
    const time = fakeClock();
    const breaker = new CircuitBreaker(
      'lastfm',
      { failureThreshold: 3, openMs: 10_000, successThreshold: 2 },
      time.clock,
    );
    for (let i = 0; i < 3; i += 1) {
      await expect(breaker.execute(() => Promise.reject(transientFailure()))).rejects.toMatchObject({
        code: 'server-error',
      });
    }
    expect(breaker.state).toBe('open');
    let called = false;
    const rejected = await breaker
      .execute(async () => {
        called = true;
      })
      .catch((error: unknown) => error);
    expect(called).toBe(false);
    expect(rejected).toBeInstanceOf(ProviderError);
    expect(rejected).toMatchObject({ kind: 'unavailable', code: 'circuit-open' });
    expect((rejected as ProviderError).retryAt?.getTime()).toBe(time.clock().getTime() + 10_000);

    time.advance(10_000);
    expect(breaker.state).toBe('half-open');
    // A failed probe opens it again for another pause.
    await expect(breaker.execute(() => Promise.reject(transientFailure()))).rejects.toBeInstanceOf(ProviderError);
    expect(breaker.state).toBe('open');
    time.advance(10_000);

    // Only one probe at a time while half-open.
    let release: () => void = () => undefined;
    const probe = breaker.execute(() => new Promise<string>((resolve) => (release = () => resolve('ok'))));
    await expect(breaker.execute(async () => 'second')).rejects.toMatchObject({ code: 'circuit-open' });
    release();
    await expect(probe).resolves.toBe('ok');
    expect(breaker.state).toBe('half-open');
    await expect(breaker.execute(async () => 'again')).resolves.toBe('again');
    expect(breaker.state).toBe('closed');
  });

  it('does not count answers such as not-found against the provider', async () => {
    const time = fakeClock();
    const breaker = new CircuitBreaker(
      'lastfm',
      { failureThreshold: 2, openMs: 1000, successThreshold: 1 },
      time.clock,
    );
    const notFound = new ProviderError({
      provider: 'lastfm',
      kind: 'not-found',
      code: 'not-found',
      message: 'no such artist',
    });
    for (let i = 0; i < 5; i += 1) await expect(breaker.execute(() => Promise.reject(notFound))).rejects.toBe(notFound);
    await expect(breaker.execute(() => Promise.reject(transientFailure()))).rejects.toBeInstanceOf(ProviderError);
    await expect(breaker.execute(() => Promise.reject(notFound))).rejects.toBe(notFound);
    await expect(breaker.execute(() => Promise.reject(transientFailure()))).rejects.toBeInstanceOf(ProviderError);
    expect(breaker.state).toBe('closed');
  });
});

describe('X-RateLimit-Reset', () => {
  it('reads a Unix time in seconds against our clock, or the Date header when our clock is off, and seconds to wait below 10⁹', () => {
    const now = Date.parse('2026-12-02T12:00:00Z');
    expect(parseRateLimitReset(new Headers({ 'x-ratelimit-reset': String(now / 1000 + 2) }), now)).toBe(2000);
    expect(parseRateLimitReset(new Headers({ 'x-ratelimit-reset': '3' }), now)).toBe(3000);
    // Our clock is a minute fast: the server's Date says where its reset is.
    const served = new Headers({ 'x-ratelimit-reset': String(now / 1000 + 2), date: new Date(now).toUTCString() });
    expect(parseRateLimitReset(served, now + 60_000)).toBe(2000);
    expect(parseRateLimitReset(new Headers({ 'x-ratelimit-reset': 'soon' }), now)).toBeUndefined();
    expect(parseRateLimitReset(new Headers(), now)).toBeUndefined();
  });
});

describe('rate limiter', () => {
  it('widens the spacing by a margin that follows the spread of round trips, within a small share of it', () => {
    const limiter = new RateLimiter({
      provider: 'musicbrainz',
      clock: () => new Date(),
      requestsPerSecond: 1,
      maxPauseMs: 60_000,
      defaultPauseMs: 100,
    });
    // Before any round trip: a default margin of 5 %.
    expect(limiter.spacingMs).toBe(1050);
    // Steady round trips: hardly any margin.
    for (let i = 0; i < 16; i++) limiter.observeRoundTrip(200);
    expect(limiter.spacingMs).toBe(1000);
    // Round trips spread over 150–450 ms: 15 % of the p90 - p10 spread as a margin.
    for (let i = 0; i < 64; i++) limiter.observeRoundTrip(150 + (i % 16) * 20);
    const spread = 150 + 14 * 20 - (150 + 1 * 20);
    expect(limiter.spacingMs).toBeCloseTo(1000 + 0.15 * spread, 5);
    // A wild spread never widens it by more than 5 %.
    for (let i = 0; i < 64; i++) limiter.observeRoundTrip(i % 2 === 0 ? 10 : 5_000);
    expect(limiter.spacingMs).toBe(1050);
  });

  it('spaces grants by 1/rate and follows setRate at run time', async () => {
    const limiter = new RateLimiter({
      provider: 'lastfm',
      clock: () => new Date(),
      requestsPerSecond: 20,
      maxPauseMs: 60_000,
      defaultPauseMs: 100,
    });
    const grants: number[] = [];
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        await limiter.acquire();
        grants.push(performance.now());
      }),
    );
    const gaps = grants.slice(1).map((time, index) => time - (grants[index] ?? 0));
    // 50 ms apart at 20/s, less a few ms of timer and millisecond-clock granularity.
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(45);
    const atTwenty = (grants.at(-1) ?? 0) - (grants[0] ?? 0);

    limiter.setRate(100);
    expect(limiter.currentRate).toBe(100);
    const start = performance.now();
    for (let i = 0; i < 6; i += 1) await limiter.acquire();
    // The same number of grants at five times the rate: compared with the run above, not a fixed time,
    // so a loaded machine does not make it fail.
    expect(performance.now() - start).toBeLessThan(atTwenty / 2);
  });

  it('pauses every caller on a short Retry-After', async () => {
    const limiter = new RateLimiter({
      provider: 'spotify',
      clock: () => new Date(),
      requestsPerSecond: 1000,
      maxPauseMs: 60_000,
      defaultPauseMs: 100,
    });
    await limiter.acquire();
    const outcome = limiter.onRateLimited(150);
    expect(outcome.outcome).toBe('paused');
    const start = performance.now();
    await Promise.all([limiter.acquire(), limiter.acquire()]);
    expect(performance.now() - start).toBeGreaterThanOrEqual(145);
  });

  it('marks the provider unavailable on a long Retry-After and fails fast until then', async () => {
    const time = fakeClock();
    const limiter = new RateLimiter({
      provider: 'spotify',
      clock: time.clock,
      requestsPerSecond: 2,
      adaptive: true,
      maxPauseMs: 300_000,
      defaultPauseMs: 1000,
    });
    const outcome = limiter.onRateLimited(52_531_000);
    expect(outcome).toEqual({ outcome: 'unavailable', until: new Date(time.clock().getTime() + 52_531_000) });
    const error = await limiter.acquire().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'unavailable', retryAt: outcome.until });
    time.advance(52_531_000);
    await expect(limiter.acquire()).resolves.toBeUndefined();
  });

  it('halves the adaptive rate on a 429 and creeps back 10% per quiet minute up to the ceiling', () => {
    const time = fakeClock();
    const limiter = new RateLimiter({
      provider: 'spotify',
      clock: time.clock,
      requestsPerSecond: 2,
      adaptive: true,
      maxPauseMs: 300_000,
      defaultPauseMs: 10,
    });
    limiter.onRateLimited(5_000);
    expect(limiter.currentRate).toBe(1);
    // A second 429 from a request already in flight during the pause does not halve again.
    limiter.onRateLimited(5_000);
    expect(limiter.currentRate).toBe(1);
    time.advance(59_000);
    expect(limiter.currentRate).toBe(1);
    time.advance(1_000);
    expect(limiter.currentRate).toBeCloseTo(1.1, 5);
    time.advance(3 * 60_000);
    expect(limiter.currentRate).toBeCloseTo(1.1 ** 4, 5);
    time.advance(60 * 60_000);
    expect(limiter.currentRate).toBe(2);
    limiter.setRate(1.5);
    expect(limiter.currentRate).toBe(1.5);
  });
});

describe('single-flight', () => {
  it('shares one promise between concurrent asks and forgets it once settled', async () => {
    const flight = new SingleFlight<number>();
    let calls = 0;
    let release: (value: number) => void = () => undefined;
    const operation = () => {
      calls += 1;
      return new Promise<number>((resolve) => (release = resolve));
    };
    const first = flight.run('k', operation);
    const second = flight.run('k', operation);
    const other = flight.run('other', async () => 7);
    await Promise.resolve();
    release(42);
    await expect(Promise.all([first, second, other])).resolves.toEqual([42, 42, 7]);
    expect(calls).toBe(1);
    expect(flight.size).toBe(0);
    await expect(flight.run('k', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(flight.run('k', async () => 1)).resolves.toBe(1);
  });
});

describe('AudioMuse feature strings', () => {
  it('split on "," and then on the last ":"', () => {
    expect(parseFeatureString('rock:0.612,female vocalists:0.401,Hip-Hop:0.350,a:b:0.1')).toEqual({
      rock: 0.612,
      'female vocalists': 0.401,
      'Hip-Hop': 0.35,
      'a:b': 0.1,
    });
    expect(parseFeatureString('')).toEqual({});
    expect(parseFeatureString(undefined)).toEqual({});
    expect(parseFeatureString('danceable:0.31,broken,:0.2,sad:x')).toEqual({ danceable: 0.31 });
  });
});
