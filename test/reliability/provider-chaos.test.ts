// Provider chaos with refused keys, across real worker processes: a Last.fm answering error 26
// (suspended key) or error 10 (invalid key) to everything gets a handful of requests for a whole warm,
// not one per artist; the warm finishes without it, entries stay partial, and the pause is visible.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getRun } from '../../src/jobs/engine/runs/get-run.ts';
import { startQueuedRun } from '../../src/jobs/engine/runs/start-run.ts';
import { deletePause, readPauses } from '../../src/providers/pause-store.ts';
import { type Harness, startHarness } from '../support/harness.ts';
import { printFigures } from './support/figures.ts';
import { type WorkerFleet, workerFleet } from './support/workers.ts';

const ARTISTS = 16;
const WORKERS = 2;
const CONCURRENCY = 4;
// Requests already on their way in each process when the first refusal comes back may be refused too.
const HANDFUL = WORKERS * CONCURRENCY;

describe('provider chaos: Last.fm refusing our key', () => {
  let harness: Harness;
  let fleet: WorkerFleet;

  beforeAll(async () => {
    harness = await startHarness({
      sims: { seed: 1408, artists: ARTISTS, specialNames: false },
      // The other providers fast, so that the warm's length is about Last.fm's refusals.
      env: { SPOTIFY_RPS: '40', MUSICBRAINZ_RPS: '40' },
    });
    const rule = { limit: 200, windowMs: 1_000 };
    harness.sims.spotify.setQuirks({ rateLimit: rule });
    harness.sims.musicbrainz.setQuirks({ rateLimit: rule });
    fleet = await workerFleet(harness.env);
  }, 60_000);
  afterAll(async () => {
    await fleet?.close();
    await harness?.close();
  });

  async function warmWithWorkers(
    extraEnv: Record<string, string>,
  ): Promise<{ lastfmRequests: number; status: string }> {
    await harness.db.pool.query('DELETE FROM artist_cache');
    for (const pause of await readPauses(harness.db.pool)) await deletePause(harness.db.pool, pause.provider);
    const workers = Array.from({ length: WORKERS }, () =>
      fleet.start({ WORKER_CONCURRENCY: '1', CACHE_WARM_CONCURRENCY: String(CONCURRENCY), ...extraEnv }),
    );
    await Promise.all(workers.map((worker) => worker.waitForOutput(/Worker connected/)));
    const before = harness.sims.log.count({ provider: 'lastfm' });
    const { run } = await startQueuedRun(harness.db.prisma, { kind: 'cache-warm', trigger: 'api', options: {} });
    await expect
      .poll(async () => (await getRun(harness.db.prisma, run.id))?.status, { timeout: 120_000, interval: 200 })
      .toMatch(/succeeded|failed/);
    const finished = await getRun(harness.db.prisma, run.id);
    for (const worker of workers) {
      worker.child.kill('SIGTERM');
      await worker.exited;
    }
    return {
      lastfmRequests: harness.sims.log.count({ provider: 'lastfm' }) - before,
      status: finished?.status ?? 'missing',
    };
  }

  it.each<{ name: string; reason: RegExp; setup: () => void; env: Record<string, string> }>([
    {
      name: 'error 26 (suspended key)',
      reason: /error 26/,
      setup: () => harness.sims.lastfm.setQuirks({ suspended: true }),
      env: {},
    },
    {
      name: 'error 10 (invalid key)',
      reason: /error 10/,
      setup: () => harness.sims.lastfm.setQuirks({ suspended: false }),
      env: { LASTFM_API_KEY: 'a-key-last-fm-does-not-know' },
    },
  ])(
    '$name: a handful of requests for the whole warm, then paused; the warm finishes with entries partial',
    async ({ name, reason, setup, env }) => {
      setup();
      const { lastfmRequests, status } = await warmWithWorkers(env);
      expect(status).toBe('succeeded');
      expect(lastfmRequests).toBeLessThanOrEqual(HANDFUL);
      const pauses = await readPauses(harness.db.pool);
      expect(pauses.map((pause) => pause.provider)).toEqual(['lastfm']);
      expect(pauses[0]?.reason).toMatch(reason);
      const { rows } = await harness.db.pool.query<{ status: string; count: number }>(
        `SELECT status::text AS status, count(*)::int AS count FROM artist_cache GROUP BY status`,
      );
      expect(rows).toEqual([{ status: 'partial', count: ARTISTS }]);
      printFigures(`provider chaos, Last.fm ${name}`, {
        artists: ARTISTS,
        workers: WORKERS,
        lastfmRequests,
        allowed: HANDFUL,
      });
    },
    180_000,
  );
});
