// The acceptance check: against a Last.fm simulator enforcing 5 requests/s, 200 requests issued at
// concurrency 20 through the default limiter (4/s) get no 429. It takes the ~50 s that 200 requests at
// 4/s must take; the other suites use faster rates.
import PQueue from 'p-queue';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PROVIDER_RATE_LIMITS, type Simulators } from '../../src/simulators/index.ts';
import { providersFor, simulators } from './support.ts';

let sims: Simulators;

beforeAll(async () => {
  sims = await simulators({ artists: 200 });
});

afterAll(async () => {
  await sims.close();
});

it('stays under Last.fm 5 requests/s: 200 requests at concurrency 20, no 429', { timeout: 120_000 }, async () => {
  expect(sims.lastfm.quirks.rateLimit).toEqual(PROVIDER_RATE_LIMITS.lastfm);
  const providers = providersFor(sims);
  expect(providers.limiter('lastfm')?.currentRate).toBe(4);
  const lastfm = providers.require('lastfm');
  const queue = new PQueue({ concurrency: 20 });
  const names = Array.from({ length: 200 }, (_, index) => sims.library.artist(index).name);
  const outcomes = await Promise.all(
    names.map((name) =>
      queue.add(() =>
        lastfm.artistTopTags(name).then(
          () => 'ok',
          (error: unknown) => (error instanceof Error && 'kind' in error ? String(error.kind) : 'crash'),
        ),
      ),
    ),
  );
  // Artists Last.fm does not know are not-found; nothing else is allowed.
  expect(outcomes.filter((outcome) => outcome !== 'ok' && outcome !== 'not-found')).toEqual([]);
  expect(sims.log.count({ provider: 'lastfm' })).toBe(200);
  expect(sims.log.count({ provider: 'lastfm', status: 429 })).toBe(0);
  expect(sims.log.maxInWindow(1000, { provider: 'lastfm' })).toBeLessThanOrEqual(5);
  expect(providers.stats().lastfm.counters?.rateLimited).toBe(0);
});
