// A warm whose worker is SIGKILLed five times at random moments (a new worker after each) ends with
// every artist stored once, with the data a warm without kills stores, and nothing left running.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import { normaliseNameKey } from '../../src/enrichment/text-keys.ts';
import { runJobNow } from '../../src/jobs/start-job.ts';
import { getRun } from '../../src/jobs/engine/runs/get-run.ts';
import { runResumePoint } from '../../src/jobs/engine/resume-point.ts';
import { startQueuedRun } from '../../src/jobs/engine/runs/start-run.ts';
import { silentLogger } from '../../src/logger.ts';
import { startProcessRuntime } from '../../src/process-runtime.ts';
import { openTestDatabase } from '../support/database.ts';
import { type Harness, startHarness } from '../support/harness.ts';
import { printFigures } from './support/figures.ts';
import { type WorkerFleet, workerFleet } from './support/workers.ts';

const ARTISTS = 120;
const CONCURRENCY = 3;
const KILLS = 5;
// Fast providers (the simulators' limits raised to match), so that the scenario is about kills, not rate limits.
const FAST_PROVIDERS = { LASTFM_RPS: '40', SPOTIFY_RPS: '40', MUSICBRAINZ_RPS: '40', WORKER_STALE_SECONDS: '2' };

/** A small seeded generator: the kill moments differ between kills but are the same on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

interface StoredArtist {
  name_key: string;
  genres: string[];
  styles: string[];
  moods: string[];
  source: string;
  status: string;
  musicbrainz_id: string | null;
}

const STORED = `SELECT name_key, genres, styles, moods, source, status::text AS status, musicbrainz_id FROM artist_cache ORDER BY name_key`;

describe('a warm whose worker is killed five times', () => {
  let harness: Harness;
  let fleet: WorkerFleet;

  beforeAll(async () => {
    harness = await startHarness({ sims: { seed: 1405, artists: ARTISTS, specialNames: false }, env: FAST_PROVIDERS });
    const rule = { limit: 200, windowMs: 1_000 };
    harness.sims.lastfm.setQuirks({ rateLimit: rule });
    harness.sims.spotify.setQuirks({ rateLimit: rule });
    harness.sims.musicbrainz.setQuirks({ rateLimit: rule });
    // Slow enough that a kill lands while entities are in flight.
    harness.sims.lastfm.faults.set({ latencyMs: [20, 60], seed: 1405 });
    fleet = await workerFleet(harness.env);
  }, 60_000);

  afterAll(async () => {
    await fleet?.close();
    await harness?.close();
  });

  it('ends succeeded with every artist stored once, as a warm without kills stores it', async () => {
    const random = seededRandom(14_05);
    const startedAt = Date.now();
    const lastfmBefore = harness.sims.log.count({ provider: 'lastfm' });
    const { run } = await startQueuedRun(harness.db.prisma, {
      kind: 'cache-warm',
      trigger: 'api',
      options: { concurrency: CONCURRENCY },
    });
    const killedAt: Array<{ attempt: number; progress: number; cached: number; resumeAt: number }> = [];

    for (let kill = 1; kill <= KILLS; kill += 1) {
      const worker = fleet.start();
      // Wait for this worker's claim (the run's attempt counts claims).
      await expect
        .poll(async () => (await getRun(harness.db.prisma, run.id))?.attempt, { timeout: 30_000, interval: 20 })
        .toBe(kill);
      // The first kill lands between the claim and the first progress write; the others at random moments after it.
      if (kill > 1) await new Promise((resolve) => setTimeout(resolve, 150 + Math.floor(random() * 1_500)));
      await fleet.kill(worker);
      const state = await getRun(harness.db.prisma, run.id);
      const cached = Number((await harness.db.pool.query('SELECT count(*) FROM artist_cache')).rows[0].count);
      const resumeAt = state ? (runResumePoint(state)?.offset ?? 0) : 0;
      killedAt.push({ attempt: state?.attempt ?? 0, progress: state?.progressCurrent ?? 0, cached, resumeAt });
      expect(state?.status).not.toBe('succeeded');
    }

    const last = fleet.start();
    await expect
      .poll(async () => (await getRun(harness.db.prisma, run.id))?.status, { timeout: 120_000, interval: 200 })
      .toBe('succeeded');
    const finished = await getRun(harness.db.prisma, run.id);
    expect(finished).toMatchObject({ status: 'succeeded', attempt: KILLS + 1, progressTotal: ARTISTS, error: null });
    const active = await harness.db.pool.query(`SELECT id FROM job_runs WHERE status IN ('queued', 'running')`);
    expect(active.rows).toEqual([]);

    // Stored once: a resumed attempt skips what an earlier one wrote (created_at = updated_at).
    const counts = await harness.db.pool.query<{ total: number; rewritten: number }>(
      `SELECT count(*)::int AS total, count(*) FILTER (WHERE updated_at <> created_at)::int AS rewritten FROM artist_cache`,
    );
    expect(counts.rows[0]).toEqual({ total: ARTISTS, rewritten: 0 });

    // Asked again only for the artists in flight at a kill: at most CONCURRENCY per kill.
    const asked = new Map<string, number>();
    for (const entry of harness.sims.log.filter({ provider: 'lastfm' }).slice(lastfmBefore)) {
      const key = normaliseNameKey(entry.query.artist ?? '') ?? '';
      asked.set(key, (asked.get(key) ?? 0) + 1);
    }
    const methodsPerArtist = Math.min(...asked.values());
    const repeated = [...asked.values()].filter((count) => count > methodsPerArtist).length;
    expect(asked.size).toBe(ARTISTS);
    expect(repeated).toBeLessThanOrEqual(CONCURRENCY * KILLS);

    // Each resumed attempt listed Plex from the resume point its predecessor left, not from page 1,
    // and the progress at the kills never went back.
    const listingStarts = harness.sims.log
      .filter({ provider: 'plex', path: /\/all$/, query: { type: '8' } })
      .map((entry) => Number(entry.query['X-Plex-Container-Start'] ?? 0));
    for (const kill of killedAt) expect(listingStarts).toContain(kill.resumeAt);
    expect(killedAt.filter((kill) => kill.resumeAt > 0).length).toBeGreaterThanOrEqual(2);
    const progressAtKills = killedAt.map((kill) => kill.progress);
    expect(progressAtKills).toEqual([...progressAtKills].sort((a, b) => a - b));

    // The right data: what a warm without kills stores from the same simulators.
    const killedData = (await harness.db.pool.query<StoredArtist>(STORED)).rows;
    const reference = await openTestDatabase();
    try {
      const config = parseConfig({ ...harness.env, DATABASE_URL: reference.url });
      const runtime = await startProcessRuntime({ config, db: reference, logger: silentLogger() });
      try {
        const outcome = await runJobNow(runtime, 'cache-warm', { concurrency: 8 });
        expect(outcome.outcome === 'finished' && outcome.run.status).toBe('succeeded');
      } finally {
        await runtime.stop();
      }
      const referenceData = (await reference.pool.query<StoredArtist>(STORED)).rows;
      expect(killedData).toEqual(referenceData);
    } finally {
      await reference.close();
    }

    await fleet.kill(last);
    printFigures('repeated kills', {
      artists: ARTISTS,
      kills: KILLS,
      attempts: finished?.attempt ?? 0,
      progressAtKills: killedAt.map((kill) => kill.progress).join('/'),
      resumedAt: killedAt.map((kill) => kill.resumeAt).join('/'),
      listedFrom: listingStarts.join('/'),
      storedAtKills: killedAt.map((kill) => kill.cached).join('/'),
      artistsAskedAgain: repeated,
      seconds: Math.round((Date.now() - startedAt) / 1000),
    });
  }, 240_000);
});
