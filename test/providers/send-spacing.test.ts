// A request that leaves late (a token fetch or a new connection between its slot and the socket) must not
// bring the next request closer to it than the provider's window: the limiter spaces the next slot from
// the moment the request's headers were really written, seen through undici's diagnostics channel, with a
// real fetch to a real HTTP server.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/providers/rate-limiter.ts';
import { whenSent } from '../../src/providers/send-times.ts';

describe('spacing from the moment a request left', () => {
  let server: http.Server;
  let baseUrl: string;
  const arrivals: number[] = [];

  beforeAll(async () => {
    server = http.createServer((_request, response) => {
      arrivals.push(performance.now());
      response.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  async function send(limiter: RateLimiter, path: string, holdMs: number): Promise<void> {
    await limiter.acquire(undefined, { untilSent: true });
    // What stands between a slot and the socket in real use: a token fetch, a TLS handshake.
    if (holdMs > 0) await delay(holdMs);
    const url = `${baseUrl}${path}`;
    const forget = whenSent(url, () => limiter.noteSent());
    try {
      await (await fetch(url)).text();
    } finally {
      if (forget()) limiter.noteUnsent();
    }
  }

  it('keeps two requests a whole spacing apart at the server when the first one left late', async () => {
    const limiter = new RateLimiter({
      provider: 'musicbrainz',
      clock: () => new Date(),
      requestsPerSecond: 10,
      maxPauseMs: 60_000,
      defaultPauseMs: 100,
    });
    const spacing = limiter.spacingMs;
    arrivals.length = 0;
    // The first request leaves 1.5 spacings after its slot; the second asks for its slot at once.
    await Promise.all([send(limiter, '/first?x=1', 1.5 * spacing), delay(5).then(() => send(limiter, '/second', 0))]);
    expect(arrivals).toHaveLength(2);
    const [first = 0, second = 0] = arrivals;
    // Without the send time the second slot comes one spacing after the first slot, before the first
    // request even left: the two would arrive half a spacing apart. With it, a whole 1/rate (100 ms), less
    // the server's own delay in seeing the first arrival: a fifth of the spacing (a full suite on two cores
    // showed 7 ms), still far from the half spacing the bug gives.
    expect(second - first).toBeGreaterThanOrEqual(spacing - spacing / 5);
  });

  it('lets the next slot go at once when the last one was given up before it left', async () => {
    const limiter = new RateLimiter({
      provider: 'lastfm',
      clock: () => new Date(),
      requestsPerSecond: 10,
      maxPauseMs: 60_000,
      defaultPauseMs: 100,
    });
    let sent = 0;
    await limiter.acquire(undefined, { untilSent: true });
    const forget = whenSent(`${baseUrl}/never`, () => {
      sent += 1;
    });
    // The attempt ends before its request leaves (an expired token that could not be renewed, say).
    expect(forget()).toBe(true);
    limiter.noteUnsent();
    await (await fetch(`${baseUrl}/never`)).text();
    expect(sent).toBe(0);
    const start = performance.now();
    await limiter.acquire();
    // One spacing after the given-up slot, not the ten seconds a lost send may hold it.
    expect(performance.now() - start).toBeLessThan(2 * limiter.spacingMs);
  });
});
