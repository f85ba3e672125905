// Provider chaos with refused credentials, across real worker processes: a Last.fm answering error 26
// (suspended key) or error 10 (invalid key) to everything, and a Spotify whose accounts service refuses
// our client (invalid_client), get a handful of requests for a whole warm, not one per artist. The warm
// finishes without that provider, every entry holds what the other providers know (as a warm with the
// provider not configured stores it), and an API process started with the same settings shows the
// provider PAUSED with the refusal's reason in providerHealth.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import { getRun } from '../../src/jobs/engine/runs/get-run.ts';
import { startQueuedRun } from '../../src/jobs/engine/runs/start-run.ts';
import { runJobNow } from '../../src/jobs/start-job.ts';
import { silentLogger } from '../../src/logger.ts';
import { startProcessRuntime } from '../../src/process-runtime.ts';
import { deletePause, readPauses } from '../../src/providers/pause-store.ts';
import type { ProviderName } from '../../src/types.ts';
import { openTestDatabase } from '../support/database.ts';
import { httpQuery } from '../support/graphql-clients.ts';
import { type Harness, startHarness } from '../support/harness.ts';
import { printFigures } from './support/figures.ts';
import { type WorkerFleet, workerFleet } from './support/workers.ts';

const WORKERS = 2;
const CONCURRENCY = 4;
// Requests already on their way in each process when the first refusal comes back may be refused too.
const HANDFUL = WORKERS * CONCURRENCY;
const GENEROUS = { limit: 200, windowMs: 1_000 };

interface Health {
  provider: string;
  status: string;
  pause: { reason: string; retryAt: string } | null;
}
const HEALTH_QUERY = '{ providerHealth { provider status pause { reason retryAt } } }';

// What the other providers gave each artist; the status and the raw tags say who did not answer.
const STORED = `SELECT name_key, genres, styles, moods, source, musicbrainz_id FROM artist_cache ORDER BY name_key`;

interface Outcome {
  /** The refused provider's requests during the warm (token requests included), by path. */
  requests: number;
  paths: string[];
  status: string;
  statuses: Array<{ status: string; count: number }>;
  health: Health | undefined;
}

/**
 * A warm run by `WORKERS` worker processes with `extraEnv`, from an empty cache and no pause, then
 * providerHealth from an API process with the same settings (a pause applies to the credentials it was for).
 */
async function warmWithWorkers(
  harness: Harness,
  fleet: WorkerFleet,
  refused: ProviderName,
  extraEnv: Record<string, string>,
): Promise<Outcome> {
  await harness.db.pool.query('DELETE FROM artist_cache');
  for (const pause of await readPauses(harness.db.pool)) await deletePause(harness.db.pool, pause.provider);
  const before = harness.sims.log.entries.length;
  const workers = Array.from({ length: WORKERS }, () =>
    fleet.start({ WORKER_CONCURRENCY: '1', CACHE_WARM_CONCURRENCY: String(CONCURRENCY), ...extraEnv }),
  );
  try {
    await Promise.all(workers.map((worker) => worker.waitForOutput(/Worker connected/)));
    const { run } = await startQueuedRun(harness.db.prisma, { kind: 'cache-warm', trigger: 'api', options: {} });
    await expect
      .poll(async () => (await getRun(harness.db.prisma, run.id))?.status, { timeout: 120_000, interval: 200 })
      .toMatch(/succeeded|failed/);
    const finished = await getRun(harness.db.prisma, run.id);
    const paths = harness.sims.log.entries
      .slice(before)
      .filter((entry) => entry.provider === refused)
      .map((entry) => entry.path);
    const api = fleet.start({ ...extraEnv, PORT: '0' }, ['serve', '--no-worker']);
    const [, apiUrl = ''] = await api.waitForOutput(/"url":"(http:\/\/[^"]+)\/graphql"/);
    const answer = await httpQuery<{ providerHealth: Health[] }>(apiUrl, HEALTH_QUERY);
    expect(answer.errors).toBeUndefined();
    api.child.kill('SIGTERM');
    await api.exited;
    const { rows } = await harness.db.pool.query<{ status: string; count: number }>(
      `SELECT status::text AS status, count(*)::int AS count FROM artist_cache GROUP BY status ORDER BY status`,
    );
    return {
      requests: paths.length,
      paths,
      status: finished?.status ?? 'missing',
      statuses: rows,
      health: answer.data?.providerHealth.find((health) => health.provider === refused.toUpperCase()),
    };
  } finally {
    for (const worker of workers) {
      worker.child.kill('SIGTERM');
      await worker.exited;
    }
  }
}

/** What a warm stores, from the same simulators, with the refused provider not configured at all. */
async function storedWithout(harness: Harness, unset: readonly string[]): Promise<unknown[]> {
  const reference = await openTestDatabase();
  try {
    const env = Object.fromEntries(Object.entries(harness.env).filter(([name]) => !unset.includes(name)));
    const config = parseConfig({ ...env, DATABASE_URL: reference.url });
    const runtime = await startProcessRuntime({ config, db: reference, logger: silentLogger() });
    try {
      const outcome = await runJobNow(runtime, 'cache-warm', {});
      expect(outcome.outcome === 'finished' && outcome.run.status).toBe('succeeded');
    } finally {
      await runtime.stop();
    }
    return (await reference.pool.query(STORED)).rows;
  } finally {
    await reference.close();
  }
}

describe('provider chaos: Last.fm refusing our key', () => {
  const ARTISTS = 16;
  let harness: Harness;
  let fleet: WorkerFleet;

  beforeAll(async () => {
    harness = await startHarness({
      sims: { seed: 1408, artists: ARTISTS, specialNames: false },
      // The other providers fast, so that the warm's length is about Last.fm's refusals.
      env: { SPOTIFY_RPS: '40', MUSICBRAINZ_RPS: '40' },
    });
    harness.sims.spotify.setQuirks({ rateLimit: GENEROUS });
    harness.sims.musicbrainz.setQuirks({ rateLimit: GENEROUS });
    fleet = await workerFleet(harness.env);
  }, 60_000);
  afterAll(async () => {
    await fleet?.close();
    await harness?.close();
  });

  it.each<{ name: string; reason: RegExp; setup: () => void; env: Record<string, string> }>([
    {
      name: 'error 26 (suspended key)',
      reason: /^error 26: Suspended API key/,
      setup: () => harness.sims.lastfm.setQuirks({ suspended: true }),
      env: {},
    },
    {
      name: 'error 10 (invalid key)',
      reason: /^error 10: Invalid API key/,
      setup: () => harness.sims.lastfm.setQuirks({ suspended: false }),
      env: { LASTFM_API_KEY: 'a-key-last-fm-does-not-know' },
    },
  ])(
    '$name: a handful of requests for the whole warm, then paused; the warm finishes with what the others know',
    async ({ name, reason, setup, env }) => {
      setup();
      const outcome = await warmWithWorkers(harness, fleet, 'lastfm', env);
      expect(outcome.status).toBe('succeeded');
      expect(outcome.requests).toBeLessThanOrEqual(HANDFUL);
      const pauses = await readPauses(harness.db.pool);
      expect(pauses.map((pause) => pause.provider)).toEqual(['lastfm']);
      expect(pauses[0]?.reason).toMatch(reason);
      expect(outcome.health).toMatchObject({ status: 'PAUSED', pause: { reason: expect.stringMatching(reason) } });
      // Every artist waits for Last.fm to answer again (partial), with what Plex and the fallbacks gave.
      expect(outcome.statuses).toEqual([{ status: 'partial', count: ARTISTS }]);
      const stored = (await harness.db.pool.query(STORED)).rows;
      expect(stored).toEqual(await storedWithout(harness, ['LASTFM_API_KEY']));
      printFigures(`provider chaos, Last.fm ${name}`, {
        artists: ARTISTS,
        workers: WORKERS,
        lastfmRequests: outcome.requests,
        allowed: HANDFUL,
      });
    },
    180_000,
  );
});

describe('provider chaos: Spotify refusing our client credentials', () => {
  // Spotify is the last resort: with MusicBrainz off, every artist neither Plex nor Last.fm has genres
  // for reaches it, enough of them that one token request per artist would be far over the bound.
  const ARTISTS = 60;
  let harness: Harness;
  let fleet: WorkerFleet;

  beforeAll(async () => {
    harness = await startHarness({
      sims: { seed: 1408, artists: ARTISTS, specialNames: false },
      env: { LASTFM_RPS: '40', SPOTIFY_RPS: '40', MUSICBRAINZ_ENABLED: 'false' },
    });
    harness.sims.lastfm.setQuirks({ rateLimit: GENEROUS });
    harness.sims.spotify.setQuirks({ rateLimit: GENEROUS });
    fleet = await workerFleet(harness.env);
  }, 60_000);
  afterAll(async () => {
    await fleet?.close();
    await harness?.close();
  });

  it('invalid_client: one token request per process at most, then paused; the warm finishes without Spotify', async () => {
    const wrongSecret = 'a-secret-spotify-does-not-know';
    const outcome = await warmWithWorkers(harness, fleet, 'spotify', { SPOTIFY_CLIENT_SECRET: wrongSecret });
    expect(outcome.status).toBe('succeeded');
    // Each process asks for a token once (its start-up probe, or its first artist), and the pause holds the rest.
    expect(outcome.requests).toBeLessThanOrEqual(WORKERS);
    expect(outcome.paths.filter((path) => path !== '/api/token')).toEqual([]);
    const pauses = await readPauses(harness.db.pool);
    expect(pauses.map((pause) => pause.provider)).toEqual(['spotify']);
    expect(pauses[0]?.reason).toBe('HTTP 400: invalid_client (Invalid client secret)');
    expect(outcome.health).toMatchObject({ status: 'PAUSED', pause: { reason: pauses[0]?.reason } });
    // The artists that needed Spotify wait for it (partial); the others are complete without it.
    const waiting = outcome.statuses.find((row) => row.status === 'partial')?.count ?? 0;
    expect(waiting).toBeGreaterThan(HANDFUL);
    expect(outcome.statuses.reduce((sum, row) => sum + row.count, 0)).toBe(ARTISTS);
    const stored = (await harness.db.pool.query(STORED)).rows;
    expect(stored).toEqual(await storedWithout(harness, ['SPOTIFY_CLIENT_ID', 'SPOTIFY_CLIENT_SECRET']));
    const shown = JSON.stringify([outcome.health, ...pauses, ...fleet.outputs()]);
    expect(shown).not.toContain(wrongSecret);
    printFigures('provider chaos, Spotify invalid_client', {
      artists: ARTISTS,
      artistsNeedingSpotify: waiting,
      workers: WORKERS,
      spotifyRequests: outcome.requests,
      allowed: WORKERS,
    });
  }, 180_000);
});
