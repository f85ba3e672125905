// SIGKILLs that land in the narrow windows of a run: between a worker's claim and its first progress
// write, and between a scheduled warm's success and the queueing of the album warm that follows it.
// Each window is held open on purpose (a stalled Plex request, an advisory lock the test holds), so the
// kill lands inside it on every run.
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normaliseNameKey } from '../../src/enrichment/text-keys.ts';
import { getRun } from '../../src/jobs/engine/runs/get-run.ts';
import { runSourceCounts } from '../../src/jobs/engine/runs/run-fields.ts';
import { startQueuedRun } from '../../src/jobs/engine/runs/start-run.ts';
import { type Harness, startHarness } from '../support/harness.ts';
import { printFigures } from './support/figures.ts';
import { type WorkerFleet, workerFleet } from './support/workers.ts';

const ARTISTS = 30;
const FAST = { LASTFM_RPS: '40', SPOTIFY_RPS: '40', MUSICBRAINZ_RPS: '40', WORKER_STALE_SECONDS: '2' };

async function activeRuns(pool: pg.Pool): Promise<unknown[]> {
  return (await pool.query(`SELECT id, kind, status FROM job_runs WHERE status IN ('queued', 'running')`)).rows;
}

async function count(pool: pg.Pool, table: 'artist_cache' | 'album_cache'): Promise<number> {
  return Number((await pool.query(`SELECT count(*) FROM ${table}`)).rows[0].count);
}

/** Waits until a live worker process is registered with its graphile-worker pool (so it can claim jobs). */
async function workerRegistered(pool: pg.Pool, before: number): Promise<void> {
  await expect
    .poll(
      async () =>
        Number(
          (
            await pool.query(
              `SELECT count(*) FROM worker_processes WHERE cardinality(coalesce(graphile_worker_ids, '{}')) > 0`,
            )
          ).rows[0].count,
        ),
      { timeout: 30_000, interval: 50 },
    )
    .toBeGreaterThan(before);
}

function fasterProviders(harness: Harness): void {
  const rule = { limit: 200, windowMs: 1_000 };
  for (const sim of [harness.sims.lastfm, harness.sims.spotify, harness.sims.musicbrainz])
    sim.setQuirks({ rateLimit: rule });
}

describe('a worker killed between its claim and its first progress write', () => {
  let harness: Harness;
  let fleet: WorkerFleet;

  beforeAll(async () => {
    harness = await startHarness({ sims: { seed: 1406, artists: ARTISTS, specialNames: false }, env: FAST });
    fasterProviders(harness);
    fleet = await workerFleet(harness.env);
  }, 60_000);

  afterAll(async () => {
    await fleet?.close();
    await harness?.close();
  });

  it('is taken over after the sweep, and the run counts every artist exactly once', async () => {
    const startedAt = Date.now();
    const { pool, prisma } = harness.db;
    const first = fleet.start();
    await workerRegistered(pool, 0);
    // The warm's first request is Plex's section list; nothing of the run's progress changes before its
    // answer. Stalled (for longer than the test lasts, shorter than the client's timeout it never reaches),
    // it holds the worker after its claim and before any progress write.
    const plex = harness.sims.plex;
    const sectionsBefore = harness.sims.log.count({ provider: 'plex', path: '/library/sections' });
    plex.faults.set({ paths: /^\/library\/sections$/, stallMs: 60_000 });
    plex.faults.failNext('stall');
    const { run } = await startQueuedRun(prisma, { kind: 'cache-warm', trigger: 'api', options: { concurrency: 3 } });
    await expect.poll(async () => (await getRun(prisma, run.id))?.attempt, { timeout: 30_000, interval: 20 }).toBe(1);
    // The stall was drawn: the worker's section request is being held.
    await expect.poll(() => plex.faults.pending, { timeout: 30_000, interval: 20 }).toBe(0);
    await fleet.kill(first);
    plex.faults.reset();

    // The kill landed in the window: the run was claimed, and nothing of its progress was written.
    const killed = await getRun(prisma, run.id);
    expect(killed).toMatchObject({ status: 'running', attempt: 1, progressCurrent: 0, progressTotal: 0 });
    expect(killed?.resumePoint ?? null).toBeNull();
    expect(harness.sims.log.filter({ provider: 'plex', path: /\/all$/ })).toEqual([]);
    expect(await count(pool, 'artist_cache')).toBe(0);

    const second = fleet.start();
    await expect
      .poll(async () => (await getRun(prisma, run.id))?.status, { timeout: 60_000, interval: 100 })
      .toBe('succeeded');
    const finished = await getRun(prisma, run.id);
    expect(finished).toMatchObject({ attempt: 2, progressCurrent: ARTISTS, progressTotal: ARTISTS, error: null });
    const counts = finished ? runSourceCounts(finished) : {};
    expect(counts.failed ?? 0).toBe(0);
    expect(counts.cached ?? 0).toBe(0);
    expect(await activeRuns(pool)).toEqual([]);
    // Stored once each, and Last.fm asked the same number of times for every artist (none twice over).
    const stored = await pool.query<{ total: number; rewritten: number }>(
      `SELECT count(*)::int AS total, count(*) FILTER (WHERE updated_at <> created_at)::int AS rewritten FROM artist_cache`,
    );
    expect(stored.rows[0]).toEqual({ total: ARTISTS, rewritten: 0 });
    const asked = new Map<string, number>();
    for (const entry of harness.sims.log.filter({ provider: 'lastfm' })) {
      const key = normaliseNameKey(entry.query.artist ?? '') ?? '';
      asked.set(key, (asked.get(key) ?? 0) + 1);
    }
    expect(asked.size).toBe(ARTISTS);
    expect(new Set(asked.values()).size).toBe(1);
    // The stalled section request was the killed worker's; the second asked once more.
    expect(harness.sims.log.count({ provider: 'plex', path: '/library/sections' })).toBeGreaterThan(sectionsBefore);

    await fleet.kill(second);
    printFigures('kill between claim and first progress write', {
      artists: ARTISTS,
      attempts: finished?.attempt ?? 0,
      seconds: Math.round((Date.now() - startedAt) / 100) / 10,
    });
  }, 120_000);
});

describe('a scheduled warm killed while its album follow-up is queued, then during the album warm', () => {
  let harness: Harness;
  let fleet: WorkerFleet;

  beforeAll(async () => {
    harness = await startHarness({ sims: { seed: 1407, artists: ARTISTS, specialNames: false }, env: FAST });
    fasterProviders(harness);
    // Slow enough that the album warm is still going when the test kills its worker.
    harness.sims.lastfm.faults.set({ latencyMs: [20, 60], seed: 1407 });
    fleet = await workerFleet(harness.env);
  }, 60_000);

  afterAll(async () => {
    await fleet?.close();
    await harness?.close();
  });

  it('runs the warm once, and the album warm completes with every album stored', async () => {
    const startedAt = Date.now();
    const { pool, prisma } = harness.db;
    const runs = async () => (await pool.query(`SELECT kind, trigger, status FROM job_runs ORDER BY id`)).rows;

    // The test holds the lock that serialises the starts of album warms: queueing the follow-up waits
    // on it, after the artists are all stored and the warm's success is decided.
    const holder = await pool.connect();
    let first;
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT job_kind_lock('cache-warm-albums')`);
      first = fleet.start();
      await workerRegistered(pool, 0);
      // What graphile-worker's crontab adds at the scheduled time (with the crontab's attempts).
      await pool.query(
        `SELECT graphile_worker.add_job('cache-warm', '{"trigger":"schedule"}'::json, max_attempts => 5)`,
      );
      await expect
        .poll(
          async () =>
            Number(
              (
                await pool.query(
                  `SELECT count(*) FROM pg_stat_activity
                    WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = 'advisory'`,
                )
              ).rows[0].count,
            ),
          { timeout: 60_000, interval: 20 },
        )
        .toBe(1);
      expect(await count(pool, 'artist_cache')).toBe(ARTISTS);
      await fleet.kill(first);
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      holder.release();
    }

    // After a restart the follow-up is queued and runs; kill its worker while albums are being stored.
    const second = fleet.start();
    await expect
      .poll(async () => (await prisma.jobRun.findFirst({ where: { kind: 'cache-warm-albums' } }))?.status, {
        timeout: 60_000,
        interval: 50,
      })
      .toBe('running');
    await expect.poll(() => count(pool, 'album_cache'), { timeout: 60_000, interval: 20 }).toBeGreaterThanOrEqual(3);
    const albumsAtKill = await count(pool, 'album_cache');
    await fleet.kill(second);

    const third = fleet.start();
    await expect
      .poll(async () => (await prisma.jobRun.findFirst({ where: { kind: 'cache-warm-albums' } }))?.status, {
        timeout: 90_000,
        interval: 100,
      })
      .toBe('succeeded');
    // One warm of the artists for the one scheduled occurrence (its retry resumed it, not a second run),
    // and one album warm.
    expect(await runs()).toEqual([
      { kind: 'cache-warm', trigger: 'schedule', status: 'succeeded' },
      { kind: 'cache-warm-albums', trigger: 'schedule', status: 'succeeded' },
    ]);
    expect(await activeRuns(pool)).toEqual([]);
    const albums = await prisma.jobRun.findFirst({ where: { kind: 'cache-warm-albums' } });
    expect(albums).toMatchObject({ attempt: 2, error: null });
    expect(albums?.progressCurrent).toBe(albums?.progressTotal);
    const counts = albums ? runSourceCounts(albums) : {};
    expect(counts.failed ?? 0).toBe(0);
    // Every album of the listing is stored: all of it but the duplicate listings of an album stored once.
    const storedAlbums = await count(pool, 'album_cache');
    expect(storedAlbums).toBe((albums?.progressTotal ?? 0) - (counts.duplicate ?? 0));
    expect(storedAlbums).toBeGreaterThan(albumsAtKill);
    expect(await count(pool, 'artist_cache')).toBe(ARTISTS);

    await fleet.kill(third);
    printFigures('kills around the album follow-up', {
      albums: storedAlbums,
      albumsAtKill,
      albumAttempts: albums?.attempt ?? 0,
      seconds: Math.round((Date.now() - startedAt) / 100) / 10,
    });
  }, 180_000);
});

describe('the retry of a scheduled job whose run had already ended', () => {
  let harness: Harness;
  let fleet: WorkerFleet;

  beforeAll(async () => {
    harness = await startHarness({ sims: { seed: 1408, artists: 5, specialNames: false }, env: FAST });
    fleet = await workerFleet(harness.env);
  }, 60_000);

  afterAll(async () => {
    await fleet?.close();
    await harness?.close();
  });

  it('does nothing: the warm is not run a second time', async () => {
    const { pool, prisma } = harness.db;
    // What a kill leaves after the warm's end (and its follow-up) committed, before graphile-worker
    // recorded its job done: the job back in the queue once the sweep unlocks it, its run ended.
    const jobId = await prisma.$transaction(async (tx) => {
      const [job] = await tx.$queryRaw<Array<{ id: string }>>`
        SELECT id::text AS id FROM graphile_worker.add_job('cache-warm', '{"trigger":"schedule"}'::json, max_attempts => 5)`;
      const now = new Date();
      await tx.jobRun.create({
        data: {
          kind: 'cache-warm',
          status: 'succeeded',
          trigger: 'schedule',
          options: {},
          attempt: 1,
          createdAt: now,
          startedAt: now,
          finishedAt: now,
          workerJobId: job?.id ?? null,
        },
      });
      return job?.id ?? '';
    });
    const worker = fleet.start();
    await expect
      .poll(
        async () => (await pool.query(`SELECT 1 FROM graphile_worker.jobs WHERE id = $1::bigint`, [jobId])).rowCount,
        { timeout: 30_000, interval: 50 },
      )
      .toBe(0);
    expect((await pool.query(`SELECT kind, status FROM job_runs ORDER BY id`)).rows).toEqual([
      { kind: 'cache-warm', status: 'succeeded' },
    ]);
    expect(harness.sims.log.count({ provider: 'plex', path: /\/all$/ })).toBe(0);
    await fleet.kill(worker);
  }, 60_000);
});
