import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultInjector } from '../../src/simulators/faults.ts';
import { createLibrary } from '../../src/simulators/library.ts';
import { startPlexSimulator, type PlexSimulator } from '../../src/simulators/plex.ts';
import { SlidingWindowLimiter } from '../../src/simulators/rate-limit.ts';
import { RequestLog, type LoggedRequest } from '../../src/simulators/request-log.ts';
import { startSpotifySimulator } from '../../src/simulators/spotify.ts';
import { ManualClock } from './helpers.ts';

function entry(overrides: Partial<LoggedRequest>): LoggedRequest {
  return {
    provider: 'lastfm',
    method: 'GET',
    path: '/2.0/',
    query: {},
    headers: {},
    status: 200,
    startedAt: 0,
    durationMs: 1,
    ...overrides,
  };
}

describe('request log', () => {
  it('counts by path, provider and query value, and filters by status and time', () => {
    const log = new RequestLog();
    log.record(entry({ startedAt: 0, query: { method: 'artist.getTopTags', artist: 'Low' } }));
    log.record(entry({ startedAt: 10, query: { method: 'album.getTopTags', artist: 'Low' }, status: 429 }));
    log.record(entry({ provider: 'plex', path: '/library/sections', startedAt: 20 }));
    expect(log.count()).toBe(3);
    expect(log.countByProvider()).toEqual(
      new Map([
        ['lastfm', 2],
        ['plex', 1],
      ]),
    );
    expect(log.countByPath({ provider: 'lastfm' })).toEqual(new Map([['/2.0/', 2]]));
    expect(log.countByQuery('artist')).toEqual(new Map([['Low', 2]]));
    expect(log.count({ status: 429 })).toBe(1);
    expect(log.count({ status: (status) => status < 400 })).toBe(2);
    expect(log.count({ since: 10 })).toBe(2);
    expect(log.count({ path: /^\/library\// })).toBe(1);
    expect(log.count({ query: { method: 'album.getTopTags' } })).toBe(1);
    log.clear();
    expect(log.count()).toBe(0);
  });

  it('computes the most requests that arrived within any window', () => {
    const log = new RequestLog();
    for (const at of [0, 100, 999, 1000, 1500, 1600, 1700, 1999, 2600]) log.record(entry({ startedAt: at }));
    // 1000, 1500, 1600, 1700 and 1999 all fall within one second.
    expect(log.maxInWindow(1000)).toBe(5);
    // Windows are half-open: arrivals exactly `windowMs` apart are in different windows.
    expect(log.maxInWindow(200)).toBe(2);
    expect(log.maxInWindow(201)).toBe(3);
    expect(log.maxInWindow(1000, { since: 2000 })).toBe(1);
  });

  it('resolves waitFor once enough matching requests are logged, and rejects on timeout', async () => {
    const log = new RequestLog();
    const waiting = log.waitFor({ provider: 'plex' }, 2);
    log.record(entry({ provider: 'plex' }));
    log.record(entry({ provider: 'lastfm' }));
    log.record(entry({ provider: 'plex' }));
    await expect(waiting).resolves.toBeUndefined();
    await expect(log.waitFor({ provider: 'spotify' }, 1, 20)).rejects.toThrow(/timed out/);
  });
});

describe('sliding-window rate limit', () => {
  it('accepts `limit` arrivals per window per key and says when the next one will be allowed', () => {
    const clock = new ManualClock(0);
    const limiter = new SlidingWindowLimiter({ limit: 2, windowMs: 1000 }, clock.now);
    expect(limiter.tryAcquire('a')).toEqual({ allowed: true });
    clock.advance(300);
    expect(limiter.tryAcquire('a')).toEqual({ allowed: true });
    expect(limiter.tryAcquire('a')).toEqual({ allowed: false, retryAfterMs: 700 });
    expect(limiter.tryAcquire('b')).toEqual({ allowed: true });
    clock.advance(700);
    expect(limiter.tryAcquire('a')).toEqual({ allowed: true });
    expect(limiter.tryAcquire('a')).toEqual({ allowed: false, retryAfterMs: 300 });
    limiter.setRule(undefined);
    for (let i = 0; i < 10; i++) expect(limiter.tryAcquire('a').allowed).toBe(true);
  });

  it('forgives a little jitter when a tolerance is set', () => {
    const clock = new ManualClock(0);
    const limiter = new SlidingWindowLimiter({ limit: 1, windowMs: 1000, toleranceMs: 25 }, clock.now);
    expect(limiter.tryAcquire('ip').allowed).toBe(true);
    clock.advance(990);
    expect(limiter.tryAcquire('ip').allowed).toBe(true);
    clock.advance(500);
    expect(limiter.tryAcquire('ip').allowed).toBe(false);
  });
});

describe('fault injector', () => {
  it('serves one-shot faults first, then draws from the error rate reproducibly', () => {
    const faults = new FaultInjector({ seed: 7 });
    faults.failNext('reset');
    faults.failNext({ kind: 'status', status: 502 }, 2);
    expect(faults.decide('/x').fault).toEqual({ kind: 'reset' });
    expect(faults.decide('/x').fault).toEqual({ kind: 'status', status: 502 });
    expect(faults.decide('/x').fault).toEqual({ kind: 'status', status: 502 });
    expect(faults.decide('/x').fault).toBeUndefined();

    const draw = (seed: number): boolean[] => {
      const injector = new FaultInjector({ seed, errorRate: 0.3 });
      return Array.from({ length: 200 }, () => injector.decide('/x').fault !== undefined);
    };
    const hits = draw(3).filter(Boolean).length;
    expect(hits).toBeGreaterThan(30);
    expect(hits).toBeLessThan(90);
    expect(draw(3)).toEqual(draw(3));
  });

  it('only touches matching paths, and can be switched off', () => {
    const faults = new FaultInjector({ errorRate: 1, paths: /^\/library\/metadata/, latencyMs: [10, 20] });
    expect(faults.decide('/library/sections')).toMatchObject({ latencyMs: 0 });
    expect(faults.decide('/library/sections').fault).toBeUndefined();
    const hit = faults.decide('/library/metadata/1');
    expect(hit.fault).toEqual({ kind: 'status', status: 500 });
    expect(hit.latencyMs).toBeGreaterThanOrEqual(10);
    faults.reset();
    expect(faults.decide('/library/metadata/1')).toMatchObject({ latencyMs: 0 });
  });
});

describe('faults on a running simulator', () => {
  let plex: PlexSimulator;
  let url: string;
  let headers: Record<string, string>;

  beforeAll(async () => {
    plex = await startPlexSimulator({ library: createLibrary({ seed: 71, artists: 5 }) });
    url = `${plex.url}/library/sections/${plex.musicSectionId}/all?type=8`;
    headers = { 'X-Plex-Token': plex.token, Accept: 'application/json' };
  });
  afterAll(async () => {
    await plex.close();
  });

  it('answers 5xx in the provider’s own format, then recovers', async () => {
    plex.faults.failNext({ kind: 'status', status: 503 });
    const failed = await fetch(url, { headers });
    expect(failed.status).toBe(503);
    expect(await failed.text()).toContain('<html>');
    expect((await fetch(url, { headers })).status).toBe(200);
    expect(plex.log.entries.at(-2)?.fault).toBe('status');
  });

  it('stalls past a client timeout, and the log shows the request the client gave up on', async () => {
    plex.faults.failNext('stall');
    const before = plex.log.count((logged) => logged.fault === 'stall');
    await expect(fetch(url, { headers, signal: AbortSignal.timeout(150) })).rejects.toThrow();
    await plex.log.waitFor((logged) => logged.fault === 'stall' && logged.status === 0, 1, 5000);
    expect(plex.log.count((logged) => logged.fault === 'stall')).toBeGreaterThan(before);
    expect((await fetch(url, { headers })).status).toBe(200);
  });

  it('resets connections, sends malformed and truncated bodies', async () => {
    plex.faults.failNext('reset');
    await expect(fetch(url, { headers })).rejects.toThrow();

    plex.faults.failNext('malformed');
    const malformed = await fetch(url, { headers });
    expect(malformed.status).toBe(200);
    await expect(malformed.json()).rejects.toThrow();

    plex.faults.failNext('truncated');
    const truncated = await fetch(url, { headers });
    expect(truncated.status).toBe(200);
    const body = await truncated.text();
    expect(body.startsWith('{"MediaContainer"')).toBe(true);
    expect(() => JSON.parse(body) as unknown).toThrow();

    expect(await (await fetch(url, { headers })).json()).toHaveProperty('MediaContainer');
  });

  it('adds latency while switched on and none after', async () => {
    plex.faults.set({ latencyMs: 200 });
    const started = performance.now();
    expect((await fetch(url, { headers })).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    plex.faults.set({ latencyMs: undefined });
    await fetch(url, { headers });
    expect(plex.log.entries.at(-1)?.durationMs).toBeLessThan(190);
  });

  it('applies an error rate at run time and stops when set back to 0', async () => {
    plex.faults.set({ errorRate: 1, errors: [{ kind: 'status', status: 502 }] });
    const statuses = await Promise.all([1, 2, 3].map(async () => (await fetch(url, { headers })).status));
    expect(statuses).toEqual([502, 502, 502]);
    plex.faults.set({ errorRate: 0 });
    expect((await fetch(url, { headers })).status).toBe(200);
  });

  it('shares one injector between Spotify’s accounts and API servers', async () => {
    const spotify = await startSpotifySimulator({ library: createLibrary({ seed: 71, artists: 5 }) });
    try {
      spotify.faults.failNext({ kind: 'status', status: 500 });
      const token = await fetch(`${spotify.accountsUrl}/api/token`, {
        method: 'POST',
        body: 'grant_type=client_credentials',
      });
      expect(token.status).toBe(500);
      expect(await token.json()).toEqual({ error: { status: 500, message: 'Server error' } });
    } finally {
      await spotify.close();
    }
  });
});
