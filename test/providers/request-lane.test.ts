// The interactive lane of the limiter: a caller inside runInteractive takes the next slot of a provider
// whose gate is full of background callers, never a slot sooner than the rate allows, and learns how long
// it waited and why.
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/providers/rate-limiter.ts';
import { runInteractive } from '../../src/providers/request-lane.ts';

const RPS = 10;
const SPACING_MS = 1000 / RPS;

function limiter(concurrency?: number): RateLimiter {
  return new RateLimiter({
    provider: 'lastfm',
    clock: () => new Date(),
    requestsPerSecond: RPS,
    concurrency,
    maxPauseMs: 60_000,
    defaultPauseMs: 1000,
  });
}

/** Resolves once `condition` holds, checking every few milliseconds, or fails after `timeoutMs`. */
async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

describe('the interactive lane', () => {
  it('gives an interactive caller the next slot ahead of a queue of background callers', async () => {
    const gate = limiter();
    const grants: string[] = [];
    const background = Array.from({ length: 12 }, (_, index) =>
      gate.acquire().then(() => grants.push(`background ${index}`)),
    );
    // A few background slots have gone; the rest (about 10 spacings' worth) still wait.
    await until(() => grants.length >= 2);
    const askedAt = performance.now();
    const { waits } = await runInteractive(async () => {
      await gate.acquire();
      grants.push('interactive');
    });
    const waitedMs = performance.now() - askedAt;
    await Promise.all(background);

    const position = grants.indexOf('interactive');
    // Granted in the slot being waited for when it asked (or the one after, if a grant raced the ask).
    expect(position).toBeGreaterThanOrEqual(2);
    expect(position).toBeLessThanOrEqual(3);
    expect(waitedMs).toBeLessThan(3 * SPACING_MS);
    // Background callers that gave their place up kept their order.
    expect(grants.filter((grant) => grant !== 'interactive')).toEqual(
      Array.from({ length: 12 }, (_, index) => `background ${index}`),
    );
    // It waited for the rate budget (the slot after the previous grant), and says so.
    expect(waits).toHaveLength(1);
    expect(waits[0]).toMatchObject({ provider: 'lastfm' });
    expect(waits[0]?.ms).toBeGreaterThan(0);
    expect(waits[0]?.ms).toBeLessThan(3 * SPACING_MS);
  });

  it('never gives the interactive caller a slot sooner than the rate allows', async () => {
    const gate = limiter();
    const grantTimes: number[] = [];
    const record = () => grantTimes.push(performance.now());
    const background = Array.from({ length: 6 }, () => gate.acquire().then(record));
    await until(() => grantTimes.length >= 1);
    const interactive = runInteractive(() => gate.acquire().then(record));
    await Promise.all([...background, interactive]);
    grantTimes.sort((a, b) => a - b);
    // Counted from the first grant: the k-th comes no sooner than k spacings after it. The times are when
    // each caller's callback ran, which a loaded machine delays by a few milliseconds, the first one's
    // too; a slot given too soon would be a whole spacing early, far beyond that allowance.
    const callbackJitterMs = SPACING_MS / 5;
    const first = grantTimes[0] ?? 0;
    for (let index = 1; index < grantTimes.length; index += 1)
      expect((grantTimes[index] ?? 0) - first).toBeGreaterThanOrEqual(index * SPACING_MS - callbackJitterMs);
  });

  it('takes the next free place of a full concurrency bound before queued background calls', async () => {
    const gate = limiter(1);
    const order: string[] = [];
    let releaseFirst = () => {};
    const first = gate.schedule(
      () =>
        new Promise<void>((resolve) => {
          releaseFirst = () => {
            order.push('background 0');
            resolve();
          };
        }),
    );
    const queued = Array.from({ length: 3 }, (_, index) =>
      gate.schedule(async () => {
        order.push(`background ${index + 1}`);
      }),
    );
    const interactive = runInteractive(() =>
      gate.schedule(async () => {
        order.push('interactive');
      }),
    );
    await until(() => gate.waiting >= 4);
    // The call in flight holds its place a while, so the interactive call has a wait to report.
    setTimeout(releaseFirst, 30);
    const [{ waits }] = await Promise.all([interactive, first, ...queued]);
    expect(order).toEqual(['background 0', 'interactive', 'background 1', 'background 2', 'background 3']);
    expect(waits).toEqual([{ provider: 'lastfm', ms: expect.any(Number), reason: 'concurrency' }]);
    expect(waits[0]?.ms).toBeGreaterThanOrEqual(25);
  });

  it('notes nothing for callers outside the interactive lane', async () => {
    const gate = limiter();
    await gate.acquire();
    const { waits } = await runInteractive(async () => 'no provider asked');
    expect(waits).toEqual([]);
  });
});
