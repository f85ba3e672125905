// Jobs across real processes: `linernotes worker` children against one test database and the
// simulators running in this process.
import { runSourceCounts } from '../../src/jobs/engine/runs/run-fields.ts';
import { mkdtemp, rm, chmod } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getRun } from '../../src/jobs/engine/runs/get-run.ts';
import { startQueuedRun } from '../../src/jobs/engine/runs/start-run.ts';
import { normaliseNameKey } from '../../src/enrichment/text-keys.ts';
import { type RunningCli, runCli, startCli } from '../support/cli.ts';
import { type Harness, startHarness } from '../support/harness.ts';

const ARTISTS = 40;

describe('runs across worker processes', () => {
  let harness: Harness;
  let workDir: string;
  const children: RunningCli[] = [];

  function startWorker(extraEnv: Record<string, string> = {}): RunningCli {
    const worker = startCli(['worker'], {
      env: { ...harness.env, LOG_LEVEL: 'info', WORKER_STALE_SECONDS: '3', CACHE_WARM_CRON: 'off', ...extraEnv },
      cwd: workDir,
    });
    children.push(worker);
    return worker;
  }

  async function waitForRun(
    runId: number,
    predicate: (status: string, current: number) => boolean,
    timeoutMs = 60_000,
  ) {
    await expect
      .poll(
        async () => {
          const run = await getRun(harness.db.prisma, runId);
          return run ? predicate(run.status, run.progressCurrent) : false;
        },
        { timeout: timeoutMs, interval: 100 },
      )
      .toBe(true);
  }

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(os.tmpdir(), 'linernotes-workers-'));
    await chmod(workDir, 0o755);
    harness = await startHarness({ sims: { seed: 21, artists: ARTISTS, specialNames: false } });
    // Slow Last.fm down so that a warm is still running when the test acts on it.
    harness.sims.lastfm.faults.set({ latencyMs: 150 });
  }, 60_000);

  afterAll(async () => {
    for (const child of children) if (child.child.exitCode === null) child.child.kill('SIGKILL');
    await harness.close();
    await rm(workDir, { recursive: true, force: true });
  });

  it('a cancel sent by another process stops a running warm within a second', async () => {
    const worker = startWorker();
    await worker.waitForOutput(/Worker connected/);
    const { run } = await startQueuedRun(harness.db.prisma, {
      kind: 'cache-warm',
      trigger: 'api',
      options: { concurrency: 1 },
    });
    await waitForRun(run.id, (status, current) => status === 'running' && current >= 2);

    const cancel = await runCli(['cancel', String(run.id)], { env: harness.env, cwd: workDir });
    const requestedAt = Date.now();
    expect(cancel.code).toBe(0);
    expect(cancel.stdout).toContain(`run ${run.id} (cache-warm) is running: it stops at its next check point`);
    await waitForRun(run.id, (status) => status === 'cancelled', 5_000);
    expect(Date.now() - requestedAt).toBeLessThan(1_000);
    const stored = await getRun(harness.db.prisma, run.id);
    expect(stored?.progressCurrent).toBeLessThan(ARTISTS);
    worker.child.kill('SIGTERM');
    expect((await worker.exited).code).toBe(0);
    await harness.db.pool.query('DELETE FROM artist_cache');
  }, 90_000);

  it('a warm whose worker is killed is finished by another worker, fetching only what was in flight again', async () => {
    const first = startWorker();
    await first.waitForOutput(/Worker connected/);
    const lastfmBefore = harness.sims.log.count({ provider: 'lastfm' });
    const { run } = await startQueuedRun(harness.db.prisma, {
      kind: 'cache-warm',
      trigger: 'api',
      options: { concurrency: 2 },
    });
    await waitForRun(run.id, (status, current) => status === 'running' && current >= 10);
    first.child.kill('SIGKILL');
    await first.exited;
    const storedAtKill = new Set(
      (await harness.db.pool.query<{ name_key: string }>('SELECT name_key FROM artist_cache')).rows.map(
        (row) => row.name_key,
      ),
    );
    const cachedAtKill = storedAtKill.size;

    const second = startWorker();
    await waitForRun(run.id, (status) => status === 'succeeded', 90_000);
    const finished = await getRun(harness.db.prisma, run.id);
    expect(finished).toMatchObject({ status: 'succeeded', attempt: 2, progressTotal: ARTISTS });
    // The second attempt went on from the first one's resume point with its counters carried over: what the
    // first had stored is neither fetched nor counted again.
    expect(finished?.progressCurrent).toBe(ARTISTS);
    expect(finished && (runSourceCounts(finished).cached ?? 0)).toBeLessThanOrEqual(cachedAtKill);

    // Every artist asked of Last.fm once, except the ones in flight when the first worker died: two at
    // Last.fm (concurrency 2), and those that had Last.fm's answer and were waiting for MusicBrainz.
    const asked = new Map<string, number>();
    for (const entry of harness.sims.log.filter({ provider: 'lastfm' }).slice(lastfmBefore)) {
      const key = normaliseNameKey(entry.query.artist ?? '') ?? '';
      asked.set(key, (asked.get(key) ?? 0) + 1);
    }
    const askedTwice = [...asked].filter(([, count]) => count > 1).map(([key]) => key);
    expect(askedTwice.filter((key) => storedAtKill.has(key))).toEqual([]);
    expect(askedTwice.length).toBeLessThan(ARTISTS - cachedAtKill);
    const { rows } = await harness.db.pool.query('SELECT count(*)::int AS count FROM artist_cache');
    expect(rows[0]).toEqual({ count: ARTISTS });
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
  }, 150_000);

  it('two workers warming at once stay within one Last.fm budget together', async () => {
    harness.sims.lastfm.faults.reset();
    // Last.fm's rule scaled up (10/s) to keep the test short; the budget is 8/s for the whole installation.
    harness.sims.lastfm.setQuirks({ rateLimit: { limit: 10, windowMs: 1_000 } });
    await harness.db.pool.query('DELETE FROM artist_cache; DELETE FROM album_cache');
    // One job per worker process, so the two runs land in different processes.
    const env = { LASTFM_RPS: '8', CACHE_WARM_CONCURRENCY: '8', ALBUM_WARM_CONCURRENCY: '8', WORKER_CONCURRENCY: '1' };
    const workers = [startWorker(env), startWorker(env)];
    await Promise.all(workers.map((worker) => worker.waitForOutput(/Worker connected/)));
    // Both processes must know of each other before the budget is shared.
    await expect
      .poll(async () => Number((await harness.db.pool.query('SELECT count(*) FROM worker_processes')).rows[0].count), {
        timeout: 10_000,
      })
      .toBeGreaterThanOrEqual(2);
    const before = harness.sims.log.entries.length;
    const artists = await startQueuedRun(harness.db.prisma, { kind: 'cache-warm', trigger: 'api', options: {} });
    const albums = await startQueuedRun(harness.db.prisma, { kind: 'cache-warm-albums', trigger: 'api', options: {} });
    await waitForRun(artists.run.id, (status) => status === 'succeeded', 120_000);
    await waitForRun(albums.run.id, (status) => status === 'succeeded', 120_000);
    const lastfm = harness.sims.log.entries.slice(before).filter((entry) => entry.provider === 'lastfm');
    const maxInOneSecond = Math.max(
      ...lastfm.map(
        (entry) =>
          lastfm.filter((other) => other.startedAt >= entry.startedAt && other.startedAt < entry.startedAt + 1_000)
            .length,
      ),
    );
    // Each process alone would run at 8/s; together they must stay within the budget, and so never hit the 10/s rule.
    expect(lastfm.filter((entry) => entry.status === 429)).toEqual([]);
    expect(maxInOneSecond).toBeLessThanOrEqual(10);
    // Both runs really ran at the same time, in different processes.
    const [artistRun, albumRun] = await Promise.all([
      getRun(harness.db.prisma, artists.run.id),
      getRun(harness.db.prisma, albums.run.id),
    ]);
    const overlapped =
      artistRun?.startedAt && artistRun.finishedAt && albumRun?.startedAt && albumRun.finishedAt
        ? artistRun.startedAt < albumRun.finishedAt && albumRun.startedAt < artistRun.finishedAt
        : false;
    expect(overlapped).toBe(true);
    for (const worker of workers) worker.child.kill('SIGTERM');
    for (const worker of workers) expect((await worker.exited).code).toBe(0);
  }, 240_000);
});
