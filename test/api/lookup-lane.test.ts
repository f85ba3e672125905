// Interactive reads first: a lookupArtists during a running warm, against a Last.fm simulator that
// enforces its 5 requests a second and answers slowly, answers in about the time the same lookup takes
// when nothing else runs, not after the warm's queue at the Last.fm limiter; and it says what it waited for.
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CancelJobRunDocument,
  LookupArtistsWaitedDocument,
  WarmArtistCacheDocument,
} from '../../src/generated/graphql.ts';
import type { WorkerHandle } from '../../src/worker/runner.ts';
import { type Harness, startHarness } from '../support/harness.ts';
import { type ApiServer, startApiServer } from './support/api-server.ts';
import { dataOf, request } from './support/operations.ts';
import { NO_SCHEDULES, startTestWorker } from './support/worker.ts';

const ARTISTS = 90;
/** Slow enough that a round trip is clearly longer than one Last.fm slot (200 ms at 5 a second). */
const LASTFM_LATENCY_MS = 400;
/** Background requests waiting at the Last.fm limiter before the lookup is asked: seconds of queue. */
const DEEP_QUEUE = 8;

/** Resolves once `condition` holds, checking every 20 ms, or fails after `timeoutMs`. */
async function until(condition: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('a lookup during a running warm', () => {
  let harness: Harness;
  let api: ApiServer;
  let worker: WorkerHandle;

  beforeAll(async () => {
    harness = await startHarness({
      sims: { seed: 23, artists: ARTISTS },
      env: { ...NO_SCHEDULES, LASTFM_RPS: '5', CACHE_WARM_CONCURRENCY: '16' },
    });
    harness.sims.lastfm.faults.set({ latencyMs: LASTFM_LATENCY_MS });
    api = await startApiServer(harness);
    worker = await startTestWorker(harness);
  }, 60_000);
  afterAll(async () => {
    await worker?.stop();
    await api?.close();
    await harness?.close();
  });

  /** Artists Last.fm tags (so Last.fm alone answers them), from the end of the listing the warm walks. */
  function lastfmArtists(count: number): string[] {
    return [...harness.sims.library.artists()]
      .filter((artist) => artist.lastfm !== null && artist.lastfm.tags.length > 0 && artist.lastfm.name === artist.name)
      .filter((artist) => artist.profile === 'full' || artist.profile === 'lastfm-only')
      .slice(-count)
      .map((artist) => artist.name);
  }

  async function timedLookup(name: string) {
    const started = performance.now();
    const response = await request(api.url, LookupArtistsWaitedDocument, { names: [name] });
    const elapsedMs = performance.now() - started;
    const [entry] = dataOf(response).lookupArtists;
    return { elapsedMs, entry };
  }

  async function cached(name: string): Promise<boolean> {
    const { rows } = await harness.db.pool.query('SELECT 1 FROM artist_cache WHERE name = $1', [name]);
    return rows.length > 0;
  }

  it('answers within twice the time of the same lookup with nothing else running', async () => {
    const [first, idleA, idleB, duringWarm] = lastfmArtists(4);
    expect(duringWarm).toBeDefined();
    const lastfm = harness.runtime.providers.limiter('lastfm');
    expect(lastfm).toBeDefined();

    // The baseline, in this test: the same kind of lookup (one artist, Last.fm only) with the providers idle,
    // after a first one that also opened the connections and warmed the code paths.
    expect((await timedLookup(first ?? '')).entry).toMatchObject({ status: 'OK' });
    const baselines = [await timedLookup(idleA ?? ''), await timedLookup(idleB ?? '')];
    for (const { entry } of baselines) expect(entry).toMatchObject({ status: 'OK', source: 'lastfm' });
    const roundTripMs = Math.max(...baselines.map((baseline) => baseline.elapsedMs));
    expect(roundTripMs).toBeGreaterThanOrEqual(LASTFM_LATENCY_MS);

    const run = dataOf(await request(api.url, WarmArtistCacheDocument, {})).warmArtistCache;
    try {
      // The warm has filled the Last.fm limiter's queue: without a lane, a lookup would wait behind all of it.
      await until(() => (lastfm?.waiting ?? 0) >= DEEP_QUEUE, 60_000, 'the warm to queue at the Last.fm limiter');
      expect(await cached(duringWarm ?? '')).toBe(false);

      const { elapsedMs, entry } = await timedLookup(duringWarm ?? '');
      const queueAfter = lastfm?.waiting ?? 0;

      expect(entry).toMatchObject({ name: duringWarm, status: 'OK', source: 'lastfm' });
      expect(elapsedMs).toBeLessThanOrEqual(2 * roundTripMs);
      // The warm was still queued when the lookup had its answer: the lookup went ahead of it.
      expect(queueAfter).toBeGreaterThanOrEqual(DEEP_QUEUE / 2);
      // It says that it waited for Last.fm's rate budget, and for less than its own answer took.
      const waits = entry?.waited ?? [];
      expect(waits.map((wait) => wait.provider)).toEqual(['LASTFM']);
      expect(waits[0]?.ms).toBeGreaterThan(0);
      expect(waits[0]?.ms).toBeLessThan(elapsedMs);
      expect(['RATE_BUDGET', 'QUEUED']).toContain(waits[0]?.reason);
    } finally {
      await request(api.url, CancelJobRunDocument, { id: run.id });
    }
  }, 120_000);

  it('answers waited only on lookups: empty for an entry served from the cache', async () => {
    const [, , , duringWarm] = lastfmArtists(4);
    const { entry } = await timedLookup(duringWarm ?? '');
    expect(entry?.waited).toEqual([]);
  });
});
