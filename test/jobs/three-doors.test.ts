// The same cases through the three doors a run has: the GraphQL API (a real HTTP client against the
// real server, with a worker), the CLI (the real `linernotes` command in a child process) and the
// schedule (the job graphile-worker's crontab adds, run by the real task list). Each door gets its own
// library and database, and every case must leave the same outcome behind whichever door it went through.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelRun } from '../../src/jobs/engine/runs/cancel-run.ts';
import { finishRunWith } from '../../src/jobs/engine/runs/finish-run.ts';
import type { JobKind } from '../../src/types.ts';
import type { WorkerHandle } from '../../src/worker/runner.ts';
import { type ApiServer, startApiServer } from '../api/support/api-server.ts';
import { startTestWorker } from '../api/support/worker.ts';
import { runCli, startCli } from '../support/cli.ts';
import { httpQuery } from '../support/graphql-clients.ts';
import { type Harness, startHarness } from '../support/harness.ts';
import { NO_SCHEDULES } from '../support/no-schedules.ts';

const MUTATIONS: Partial<Record<JobKind, string>> = {
  'cache-warm': 'warmArtistCache',
  'cache-warm-albums': 'warmAlbumCache',
  'cache-refresh': 'refreshExpiringCache',
  'audio-features-sync': 'syncAudioFeatures',
};
const CLI_ARGS: Partial<Record<JobKind, string[]>> = {
  'cache-warm': ['warm'],
  'cache-warm-albums': ['warm', '--albums'],
  'cache-refresh': ['refresh'],
  'audio-features-sync': ['audio-features'],
};

/** What a door said back: a refusal (with its words), or the run it answered with. */
interface Answer {
  refused: boolean;
  /** The refusal's or the run's words, as the door shows them. */
  text: string;
  runId?: number;
}

interface Door {
  name: 'api' | 'cli' | 'schedule';
  harness: Harness;
  /** Starts the kind as this door does; resolves when the door has answered (the schedule: when its job is done). */
  start(kind: JobKind): Promise<Answer>;
  /** Starts the kind and waits until the run it made has finished. */
  startAndFinish(kind: JobKind): Promise<void>;
  /** Asks this door to cancel the run with this id, as a user of the door types it. */
  cancel(id: string): Promise<Answer>;
  /** Starts a warm that stays running until cancelled; resolves with its run id once it runs. */
  startLongWarm(): Promise<{ runId: number; finished: Promise<void> }>;
  close(): Promise<void>;
}

async function runsOf(harness: Harness) {
  return await harness.db.prisma.jobRun.findMany({
    orderBy: { id: 'asc' },
    select: { id: true, kind: true, status: true, message: true },
  });
}

async function waitFor<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeout = 60_000): Promise<T> {
  let last: T | undefined;
  await expect
    .poll(
      async () => {
        last = await read();
        return accept(last);
      },
      { timeout, interval: 100 },
    )
    .toBe(true);
  return last as T;
}

async function newestRun(harness: Harness, kind: JobKind) {
  return await harness.db.prisma.jobRun.findFirst({ where: { kind }, orderBy: { id: 'desc' } });
}

async function waitUntilRunning(harness: Harness, kind: JobKind): Promise<number> {
  const run = await waitFor(
    () => newestRun(harness, kind),
    (found) => found?.status === 'running',
  );
  if (!run) throw new Error('no run');
  return run.id;
}

async function waitUntilFinished(harness: Harness, runId: number): Promise<void> {
  await waitFor(
    () => harness.db.prisma.jobRun.findUnique({ where: { id: runId } }),
    (run) => run !== null && ['succeeded', 'failed', 'cancelled'].includes(run.status),
  );
}

async function graphileJobCount(harness: Harness): Promise<number> {
  const { rows } = await harness.db.pool.query<{ count: number }>(
    'SELECT count(*)::int AS count FROM graphile_worker.jobs',
  );
  return rows[0]?.count ?? 0;
}

/** What the case left in the database, in terms every door shares (ids and triggers differ by door). */
async function outcomeOf(harness: Harness) {
  const runs = await runsOf(harness);
  const { rows } = await harness.db.pool.query<{ artists: number; albums: number }>(
    'SELECT (SELECT count(*) FROM artist_cache)::int AS artists, (SELECT count(*) FROM album_cache)::int AS albums',
  );
  return { runs: runs.map((run) => `${run.kind}: ${run.status}`), ...rows[0] };
}

async function doorHarness(): Promise<Harness> {
  // AUDIOMUSE_URL empty: audio-features-sync cannot start anywhere. Every schedule off: only the jobs a case adds run.
  return await startHarness({
    sims: { seed: 43, artists: 6, specialNames: false },
    env: { ...NO_SCHEDULES, AUDIOMUSE_URL: '' },
  });
}

async function apiDoor(): Promise<Door> {
  const harness = await doorHarness();
  const api: ApiServer = await startApiServer(harness);
  const worker: WorkerHandle = await startTestWorker(harness);
  const mutate = async (field: string, args = '') => {
    const answer = await httpQuery<Record<string, { id: string; status: string; message: string | null } | null>>(
      api.url,
      `mutation { ${field}${args} { id status message } }`,
    );
    const run = answer.data?.[field];
    if (!run)
      return { refused: true, text: `${String(answer.errors?.[0]?.extensions?.code)}: ${answer.errors?.[0]?.message}` };
    return { refused: false, text: run.status, runId: Number(run.id) };
  };
  return {
    name: 'api',
    harness,
    start: (kind) => mutate(MUTATIONS[kind] ?? ''),
    startAndFinish: async (kind) => {
      const answer = await mutate(MUTATIONS[kind] ?? '');
      if (answer.runId === undefined) throw new Error(answer.text);
      await waitUntilFinished(harness, answer.runId);
    },
    cancel: (id) => mutate('cancelJobRun', `(id: ${JSON.stringify(id)})`),
    startLongWarm: async () => {
      const answer = await mutate('warmArtistCache');
      if (answer.runId === undefined) throw new Error(answer.text);
      const runId = answer.runId;
      await waitUntilRunning(harness, 'cache-warm');
      return { runId, finished: waitUntilFinished(harness, runId) };
    },
    close: async () => {
      await api.close();
      await worker.stop();
      await harness.close();
    },
  };
}

async function cliDoor(): Promise<Door> {
  const harness = await doorHarness();
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'linernotes-doors-'));
  await chmod(workDir, 0o755);
  const cli = async (args: string[]): Promise<Answer> => {
    const result = await runCli(args, { env: harness.env, cwd: workDir });
    const run = /run (\d+)/.exec(result.stdout + result.stderr);
    return {
      refused: result.code !== 0,
      text: `${result.code}: ${(result.code === 0 ? result.stdout : result.stderr).trim()}`,
      runId: run ? Number(run[1]) : undefined,
    };
  };
  return {
    name: 'cli',
    harness,
    start: (kind) => cli(CLI_ARGS[kind] ?? []),
    startAndFinish: async (kind) => {
      // The CLI runs the job in the foreground: it has finished when the command returns.
      const answer = await cli(CLI_ARGS[kind] ?? []);
      if (answer.refused) throw new Error(answer.text);
    },
    cancel: (id) => cli(['cancel', id]),
    startLongWarm: async () => {
      const running = startCli(['warm'], { env: harness.env, cwd: workDir });
      const runId = await waitUntilRunning(harness, 'cache-warm');
      return { runId, finished: running.exited.then(() => undefined) };
    },
    close: async () => {
      await harness.close();
      await rm(workDir, { recursive: true, force: true });
    },
  };
}

async function scheduleDoor(): Promise<Door> {
  const harness = await doorHarness();
  const worker = await startTestWorker(harness);
  /** Adds what graphile-worker's crontab adds at a scheduled time, and waits until the worker is done with it. */
  const occurrence = async (kind: string, payload: Record<string, unknown>) => {
    const { rows } = await harness.db.pool.query<{ id: string }>(
      'SELECT id::text AS id FROM graphile_worker.add_job($1, $2::json)',
      [kind, JSON.stringify(payload)],
    );
    return rows[0]?.id ?? '';
  };
  const jobDone = async (jobId: string) => {
    await waitFor(
      async () =>
        (await harness.db.pool.query('SELECT 1 FROM graphile_worker.jobs WHERE id = $1::bigint', [jobId])).rowCount,
      (count) => count === 0,
    );
  };
  const cronPayload = { trigger: 'schedule', _cron: { ts: new Date().toISOString(), backfilled: false } };
  return {
    name: 'schedule',
    harness,
    start: async (kind) => {
      const before = (await runsOf(harness)).length;
      await jobDone(await occurrence(kind, cronPayload));
      const runs = await runsOf(harness);
      const made = runs.slice(before).find((run) => run.kind === kind);
      // The schedule has nobody to answer: its refusal is that no run was recorded.
      return made ? { refused: false, text: made.status, runId: made.id } : { refused: true, text: 'no run recorded' };
    },
    startAndFinish: async (kind) => {
      await jobDone(await occurrence(kind, cronPayload));
    },
    cancel: async (id) => {
      // A graphile-worker job naming a run by an id that is not one: the task ignores it.
      await jobDone(await occurrence('cache-warm', { runId: id }));
      return { refused: true, text: 'ignored' };
    },
    startLongWarm: async () => {
      const jobId = await occurrence('cache-warm', cronPayload);
      const runId = await waitUntilRunning(harness, 'cache-warm');
      return { runId, finished: jobDone(jobId) };
    },
    close: async () => {
      await worker.stop();
      await harness.close();
    },
  };
}

describe('the three doors: API, CLI and schedule', () => {
  const doors: Door[] = [];

  beforeAll(async () => {
    doors.push(await apiDoor(), await cliDoor(), await scheduleDoor());
  }, 120_000);

  afterAll(async () => {
    for (const door of doors) await door.close();
  });

  /** Runs the case through every door, one after the other, and returns each door's result by name. */
  async function everyDoor<T>(run: (door: Door) => Promise<T>): Promise<Record<Door['name'], T>> {
    const results: Partial<Record<Door['name'], T>> = {};
    for (const door of doors) results[door.name] = await run(door);
    return results as Record<Door['name'], T>;
  }

  it('refuses a kind whose provider is not configured, and records nothing', async () => {
    const results = await everyDoor(async (door) => {
      const answer = await door.start('audio-features-sync');
      return { answer, outcome: await outcomeOf(door.harness), jobs: await graphileJobCount(door.harness) };
    });
    const needs = 'audio-features-sync needs audiomuse, which is not configured (set AUDIOMUSE_URL)';
    expect(results.api.answer).toEqual({ refused: true, text: `NOT_CONFIGURED: ${needs}` });
    expect(results.cli.answer).toEqual({ refused: true, text: `2: linernotes: ${needs}`, runId: undefined });
    expect(results.schedule.answer).toEqual({ refused: true, text: 'no run recorded' });
    for (const result of Object.values(results)) {
      expect(result.outcome).toEqual({ runs: [], artists: 0, albums: 0 });
      expect(result.jobs).toBe(0);
    }
  }, 120_000);

  it('answers a second start of an active kind with the active run, and starts nothing', async () => {
    const results = await everyDoor(async (door) => {
      const active = await door.harness.db.prisma.jobRun.create({
        data: { kind: 'cache-refresh', status: 'running', trigger: 'api', startedAt: new Date() },
      });
      const answer = await door.start('cache-refresh');
      const refreshes = await door.harness.db.prisma.jobRun.findMany({ where: { kind: 'cache-refresh' } });
      await finishRunWith(door.harness.db.prisma, active.id, { status: 'cancelled', message: 'test over' });
      return { activeId: active.id, answer, refreshes: refreshes.map((run) => `${run.id} ${run.status}`) };
    });
    for (const [name, result] of Object.entries(results)) {
      expect(result.refreshes, name).toEqual([`${result.activeId} running`]);
      // The API and the CLI name the active run; the schedule skips its occurrence and records nothing.
      if (name === 'schedule') expect(result.answer).toEqual({ refused: true, text: 'no run recorded' });
      else expect(result.answer.runId, name).toBe(result.activeId);
    }
    expect(results.api.answer.refused).toBe(false);
    expect(results.cli.answer.text).toMatch(/^1: linernotes: a cache-refresh run is already running \(run \d+\)/);
  }, 120_000);

  it('warms the artists and then the albums: the same runs and the same cache behind every door', async () => {
    const results = await everyDoor(async (door) => {
      await door.harness.db.prisma.jobRun.deleteMany({});
      await door.startAndFinish('cache-warm');
      // The weekly schedule goes on to the albums by itself; the API and the CLI are asked for them.
      if (door.name !== 'schedule') await door.startAndFinish('cache-warm-albums');
      else
        await waitFor(
          () => newestRun(door.harness, 'cache-warm-albums'),
          (run) => run?.status === 'succeeded',
        );
      return await outcomeOf(door.harness);
    });
    expect(results.api.runs).toEqual(['cache-warm: succeeded', 'cache-warm-albums: succeeded']);
    expect(results.api.artists).toBe(6);
    expect(results.api.albums).toBeGreaterThan(0);
    expect(results.cli).toEqual(results.api);
    expect(results.schedule).toEqual(results.api);
  }, 180_000);

  it('refuses a run id that is not one, and changes nothing', async () => {
    for (const id of ['abc', '0', '-3', '99999999999']) {
      const results = await everyDoor(async (door) => {
        const before = await runsOf(door.harness);
        const answer = await door.cancel(id);
        return { answer, unchanged: JSON.stringify(await runsOf(door.harness)) === JSON.stringify(before) };
      });
      expect(results.api.answer.text, id).toBe(`NOT_FOUND: there is no job run ${id}`);
      expect(results.cli.answer.text, id).toMatch(/^2: linernotes: a run id is a positive integer/);
      for (const result of Object.values(results))
        expect(result).toMatchObject({ answer: { refused: true }, unchanged: true });
    }
  }, 120_000);

  it('cancels a running warm: it stops at its next check point, keeps what it wrote, and nothing follows it', async () => {
    const results = await everyDoor(async (door) => {
      await door.harness.db.prisma.jobRun.deleteMany({});
      // Nothing cached: the warm has every artist to fetch.
      await door.harness.db.prisma.artistCache.deleteMany({});
      // Slow Last.fm down, so the warm is still running when the cancel comes.
      door.harness.sims.lastfm.faults.set({ latencyMs: 5_000 });
      try {
        const { runId, finished } = await door.startLongWarm();
        // The schedule has no cancel of its own: its runs are cancelled like any other, from any process.
        const answer =
          door.name === 'schedule'
            ? { refused: (await cancelRun(door.harness.db, runId)).outcome !== 'cancel-requested' }
            : await door.cancel(String(runId));
        await finished;
        await waitUntilFinished(door.harness, runId);
        return {
          refused: answer.refused,
          runs: (await runsOf(door.harness)).map((run) => `${run.kind}: ${run.status}: ${run.message}`),
        };
      } finally {
        door.harness.sims.lastfm.faults.set({ latencyMs: 0 });
      }
    });
    expect(results.api).toEqual({
      refused: false,
      runs: ['cache-warm: cancelled: cancelled; what was written is kept'],
    });
    expect(results.cli).toEqual(results.api);
    expect(results.schedule).toEqual(results.api);
  }, 180_000);
});
