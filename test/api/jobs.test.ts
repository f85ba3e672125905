// Job mutations, history, schedules and subscriptions through real clients. First with no worker (what
// is queued, refused, cancelled), then with graphile-worker running the real tasks in this process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import {
  CancelJobRunDocument,
  ClearCacheDocument,
  JobRunDocument,
  JobRunEventsDocument,
  JobRunProgressDocument,
  JobRunsDocument,
  RefreshExpiringCacheDocument,
  RefreshTrackStatsDocument,
  SchedulesDocument,
  SyncAudioFeaturesDocument,
  WarmAlbumCacheDocument,
  WarmArtistCacheDocument,
  type JobRunsQuery,
} from '../../src/generated/graphql.ts';
import type { WorkerHandle } from '../../src/worker/runner.ts';
import { type Harness, startHarness } from '../support/harness.ts';
import { httpQuery, wsClient } from '../support/graphql-clients.ts';
import { type ApiServer, startApiServer } from './support/api-server.ts';
import { dataOf, overSse, overWs, request } from './support/operations.ts';
import { FAST_ENV, SMALL_LIBRARY } from './support/populate.ts';
import { refusal } from './support/results.ts';
import { whenReceiving, wsStream } from './support/streams.ts';
import { PROBE_RUN_ID, publishProbe } from './support/probe-event.ts';
import { NO_SCHEDULES, startTestWorker } from './support/worker.ts';

async function queuedJobs(harness: Harness): Promise<string[]> {
  const { rows } = await harness.db.pool.query<{ task_identifier: string }>(
    'SELECT task_identifier FROM graphile_worker.jobs ORDER BY id',
  );
  return rows.map((row) => row.task_identifier);
}

async function runCount(harness: Harness): Promise<number> {
  const { rows } = await harness.db.pool.query<{ count: number }>('SELECT count(*)::int AS count FROM job_runs');
  return rows[0]?.count ?? 0;
}

describe('job mutations and history', () => {
  let harness: Harness;
  let api: ApiServer;
  let worker: WorkerHandle | undefined;

  beforeAll(async () => {
    harness = await startHarness({ sims: SMALL_LIBRARY, env: { ...FAST_ENV, ...NO_SCHEDULES } });
    api = await startApiServer(harness);
  }, 60_000);
  afterAll(async () => {
    await worker?.stop();
    await api?.close();
    await harness?.close();
  });

  describe('with no worker running', () => {
    it('queues a warm with every default, once per kind: input {} and no input give the same run', async () => {
      const first = dataOf(await request(api.url, WarmArtistCacheDocument, { input: {} })).warmArtistCache;
      expect(first).toMatchObject({
        kind: 'CACHE_WARM',
        task: 'cache-warm',
        status: 'QUEUED',
        trigger: 'API',
        isFinal: false,
        options: { skipCached: true, concurrency: 4, dryRun: false },
        progress: { current: 0, total: 0, percent: null },
      });
      const again = dataOf(await request(api.url, WarmArtistCacheDocument, {})).warmArtistCache;
      expect(again.id).toBe(first.id);
      expect(await queuedJobs(harness)).toEqual(['cache-warm']);
      expect(dataOf(await request(api.url, JobRunDocument, { id: first.id })).jobRun).toMatchObject({
        id: first.id,
        status: 'QUEUED',
      });
    });

    it('cancels a queued run at once and removes its job; an unknown run is a NOT_FOUND error', async () => {
      const queued = dataOf(await request(api.url, WarmArtistCacheDocument, {})).warmArtistCache;
      const cancelled = dataOf(await request(api.url, CancelJobRunDocument, { id: queued.id })).cancelJobRun;
      expect(cancelled).toMatchObject({ id: queued.id, status: 'CANCELLED', isFinal: true });
      expect(cancelled.finishedAt).not.toBeNull();
      expect(await queuedJobs(harness)).toEqual([]);
      // Cancelling a finished run changes nothing.
      expect(dataOf(await request(api.url, CancelJobRunDocument, { id: queued.id })).cancelJobRun.status).toBe(
        'CANCELLED',
      );
      const missing = refusal(await request(api.url, CancelJobRunDocument, { id: '987654' }));
      expect(missing).toEqual({
        message: 'there is no job run 987654',
        extensions: { code: 'NOT_FOUND', id: '987654' },
      });
      expect(refusal(await request(api.url, CancelJobRunDocument, { id: 'nope' })).extensions).toEqual({
        code: 'NOT_FOUND',
        id: 'nope',
      });
      expect(dataOf(await request(api.url, JobRunDocument, { id: '987654' }))).toEqual({ jobRun: null });
    });

    it('refuses input out of bounds with INVALID_INPUT naming the field, and queues nothing', async () => {
      const before = await runCount(harness);
      const tooMany = refusal(await request(api.url, WarmArtistCacheDocument, { input: { concurrency: 99 } }));
      expect(tooMany.extensions).toEqual({
        code: 'INVALID_INPUT',
        problems: [{ field: 'input.concurrency', message: expect.stringMatching(/16/) }],
      });
      const noLimit = refusal(await request(api.url, RefreshExpiringCacheDocument, { input: { limit: 0 } }));
      expect(noLimit.extensions).toEqual({
        code: 'INVALID_INPUT',
        problems: [{ field: 'input.limit', message: expect.any(String) }],
      });
      const hugeLimit = refusal(await request(api.url, RefreshExpiringCacheDocument, { input: { limit: 100_001 } }));
      expect(hugeLimit.extensions.code).toBe('INVALID_INPUT');
      expect(hugeLimit.message).toMatch(/input\.limit/);
      expect(await runCount(harness)).toBe(before);
      expect(await queuedJobs(harness)).toEqual([]);
    });

    it('refuses a job whose provider is not configured with NOT_CONFIGURED', async () => {
      const config = harness.config;
      const bare = await startApiServer(harness, {
        config: { ...config, providers: { ...config.providers, audiomuse: undefined, plex: undefined } },
      });
      try {
        const audio = refusal(await request(bare.url, SyncAudioFeaturesDocument, {}));
        expect(audio).toEqual({
          message: expect.stringMatching(/AUDIOMUSE_URL/),
          extensions: { code: 'NOT_CONFIGURED', provider: 'AUDIOMUSE' },
        });
        const albums = refusal(await request(bare.url, WarmAlbumCacheDocument, {}));
        expect(albums.extensions).toEqual({ code: 'NOT_CONFIGURED', provider: 'PLEX' });
        expect(albums.message).toMatch(/PLEX_URL and PLEX_TOKEN/);
        expect(await queuedJobs(harness)).toEqual([]);
      } finally {
        await bare.close();
      }
    });

    it('queues track statistics, or with static: true the static refresh', async () => {
      const stats = dataOf(await request(api.url, RefreshTrackStatsDocument, { input: {} })).refreshTrackStats;
      const staticRun = dataOf(
        await request(api.url, RefreshTrackStatsDocument, { input: { static: true } }),
      ).refreshTrackStats;
      expect([stats.kind, staticRun.kind]).toEqual(['TRACK_STATS_REFRESH', 'TRACK_STATIC_REFRESH']);
      expect(staticRun.options).toEqual({});
      expect(await queuedJobs(harness)).toEqual(['track-stats-refresh', 'track-static-refresh']);
      for (const id of [stats.id, staticRun.id]) await request(api.url, CancelJobRunDocument, { id });
    });

    it('lists run history newest first, filtered and paged', async () => {
      const all = dataOf(await request(api.url, JobRunsDocument, { first: 100 })).jobRuns;
      expect(all.totalCount).toBe(await runCount(harness));
      const ids = all.nodes.map((run) => Number(run.id));
      expect(ids).toEqual([...ids].sort((a, b) => b - a));
      const warms = dataOf(
        await request(api.url, JobRunsDocument, { kind: 'CACHE_WARM', status: 'CANCELLED' }),
      ).jobRuns;
      expect(warms.nodes.length).toBe(1);
      expect(warms.nodes.every((run) => run.kind === 'CACHE_WARM' && run.status === 'CANCELLED')).toBe(true);
      const page1 = dataOf(await request(api.url, JobRunsDocument, { first: 2 })).jobRuns;
      const page2 = dataOf(
        await request(api.url, JobRunsDocument, { first: 2, after: page1.pageInfo.endCursor }),
      ).jobRuns;
      expect([...page1.nodes, ...page2.nodes].map((run) => run.id)).toEqual(all.nodes.slice(0, 4).map((run) => run.id));
      expect((await request(api.url, JobRunsDocument, { first: 501 })).errors?.[0]?.message).toMatch(
        /at most|between 1 and 500/,
      );
    });

    it('filters runs by a kind in enum style, answers its task name beside it, and refuses any other spelling', async () => {
      const all = dataOf(await request(api.url, JobRunsDocument, { first: 100 })).jobRuns.nodes;
      const warms = all.filter((run) => run.kind === 'CACHE_WARM').map((run) => run.id);
      // The filter has runs to keep and runs to leave out.
      expect(warms.length).toBeGreaterThan(0);
      expect(warms.length).toBeLessThan(all.length);
      const page = '{ totalCount pageInfo { hasNextPage endCursor } nodes { id kind task status } }';
      const answers = [
        await httpQuery<JobRunsQuery>(api.url, `{ jobRuns(first: 100, kind: CACHE_WARM) ${page} }`),
        await request(api.url, JobRunsDocument, { first: 100, kind: 'CACHE_WARM' }),
      ];
      for (const answer of answers) {
        const runs = dataOf(answer).jobRuns;
        expect(runs.nodes.map((run) => run.id)).toEqual(warms);
        expect(runs.totalCount).toBe(warms.length);
        expect(new Set(runs.nodes.map((run) => run.kind))).toEqual(new Set(['CACHE_WARM']));
      }
      const tasks = await httpQuery<{ jobRuns: { nodes: Array<{ task: string }> } }>(
        api.url,
        `{ jobRuns(first: 100, kind: CACHE_WARM) ${page} }`,
      );
      expect(new Set(tasks.data?.jobRuns.nodes.map((run) => run.task))).toEqual(new Set(['cache-warm']));

      // The task name is not a second spelling of the enum value: GraphQL points to the one there is.
      for (const query of [
        '{ jobRuns(kind: "cache-warm") { totalCount } }',
        '{ jobRuns(kind: nope) { totalCount } }',
      ]) {
        const refused = await httpQuery(api.url, query);
        expect(refused.status, query).toBe(400);
        expect(refused.data, query).toBeUndefined();
        expect(refused.errors, query).toHaveLength(1);
      }
      const taskName = await httpQuery(api.url, 'query($kind: JobKind) { jobRuns(kind: $kind) { totalCount } }', {
        kind: 'cache-warm',
      });
      expect(taskName.status).toBe(400);
      expect(taskName.errors?.[0]?.message).toMatch(/^Variable "\$kind" got invalid value "cache-warm"/);
      expect(taskName.errors?.[0]?.message).toContain('CACHE_WARM');
    });

    it('says NOT_FOUND for the progress of an unknown run, and notices a final state whose notification was lost', async () => {
      const unknown = await overSse(api.url, JobRunProgressDocument, { id: '424242' });
      expect(unknown).toHaveLength(1);
      expect(unknown[0]?.errors?.[0]).toMatchObject({
        message: 'there is no job run 424242',
        extensions: { code: 'NOT_FOUND' },
      });

      const quick = await startApiServer(harness, { progressRecheckMs: 100 });
      const client = wsClient(quick.url);
      try {
        const run = dataOf(await request(quick.url, WarmArtistCacheDocument, {})).warmArtistCache;
        const progress = wsStream(client, JobRunProgressDocument, { id: run.id });
        await progress.until((results) => results.length > 0);
        expect(progress.results[0]?.data?.jobRunProgress).toMatchObject({ id: run.id, status: 'QUEUED' });
        // The row changes with no NOTIFY at all: only the subscription's re-read can notice.
        await harness.db.pool.query(`SELECT graphile_worker.remove_job('run:cache-warm')`);
        await harness.db.pool.query(`UPDATE job_runs SET status = 'succeeded', finished_at = now() WHERE id = $1`, [
          Number(run.id),
        ]);
        await progress.completed;
        expect(progress.results.at(-1)?.data?.jobRunProgress.status).toBe('SUCCEEDED');
      } finally {
        await client.dispose();
        await quick.close();
      }
    });

    it('lists the schedules with their cron, next run time and last run', async () => {
      const defaults = await startApiServer(harness, {
        config: parseConfig({
          ...harness.env,
          // Empty means "the default"; the harness turned every schedule off.
          CACHE_WARM_CRON: '',
          CACHE_REFRESH_CRON: '*/15 * * * *',
          TRACK_CACHE_REFRESH_CRON: '',
          TRACK_STATIC_REFRESH_CRON: '',
          AUDIO_FEATURES_CRON: 'off',
        }),
      });
      try {
        const before = Date.now();
        const schedules = dataOf(await request(defaults.url, SchedulesDocument)).schedules;
        expect(schedules.map((schedule) => [schedule.task, schedule.cron, schedule.enabled])).toEqual([
          ['cache-warm', '0 3 * * 0', true],
          ['cache-refresh', '*/15 * * * *', true],
          ['track-stats-refresh', '0 2 * * *', true],
          ['track-static-refresh', '0 4 * * 1', true],
          ['audio-features-sync', null, false],
        ]);
        const at = (task: string) => new Date(schedules.find((schedule) => schedule.task === task)?.nextRunAt ?? 0);
        const weekly = at('cache-warm');
        expect([weekly.getUTCDay(), weekly.getUTCHours(), weekly.getUTCMinutes()]).toEqual([0, 3, 0]);
        expect(weekly.getTime() - before).toBeLessThanOrEqual(7 * 86_400_000);
        const quarter = at('cache-refresh');
        expect(quarter.getUTCMinutes() % 15).toBe(0);
        expect(quarter.getTime()).toBeGreaterThan(before - 60_000);
        expect(quarter.getTime() - before).toBeLessThanOrEqual(15 * 60_000);
        expect(schedules.find((schedule) => schedule.task === 'audio-features-sync')?.nextRunAt).toBeNull();
        const warm = schedules.find((schedule) => schedule.task === 'cache-warm');
        expect(warm).toMatchObject({
          kind: 'CACHE_WARM',
          followedBy: 'CACHE_WARM_ALBUMS',
          lastRun: { status: 'SUCCEEDED' },
        });
      } finally {
        await defaults.close();
      }
    });
  });

  describe('with a worker running the jobs', () => {
    beforeAll(async () => {
      worker = await startTestWorker(harness);
    });

    it('streams a warm: every event over graphql-ws from queued to SUCCEEDED, and its progress over SSE', async () => {
      const client = wsClient(api.url);
      try {
        const events = wsStream(client, JobRunEventsDocument, { kind: 'CACHE_WARM' });
        await whenReceiving(
          events,
          () => publishProbe(harness.db.pool),
          (result) => result.data?.jobRunEvents.runId === PROBE_RUN_ID,
        );
        const run = dataOf(await request(api.url, WarmArtistCacheDocument, { input: {} })).warmArtistCache;
        const progress = await overSse(api.url, JobRunProgressDocument, { id: run.id });
        const states = progress.map((result) => dataOf(result).jobRunProgress);
        expect(states[0]?.id).toBe(run.id);
        const last = states.at(-1);
        expect(last).toMatchObject({ status: 'SUCCEEDED', progress: { current: 6, total: 6 } });
        expect(last?.finishedAt).not.toBeNull();
        const currents = states.map((state) => state.progress.current);
        expect(currents).toEqual([...currents].sort((a, b) => a - b));

        const seen = await events.until((results) =>
          results.some((result) => result.data?.jobRunEvents.final === true),
        );
        events.stop();
        const mine = seen.map((result) => dataOf(result).jobRunEvents).filter((event) => event.runId === run.id);
        // The API announces the run queued; the worker's events may overtake that announcement.
        expect(mine.some((event) => event.status === 'QUEUED')).toBe(true);
        expect(mine.some((event) => event.status === 'RUNNING')).toBe(true);
        expect(mine.at(-1)).toMatchObject({ status: 'SUCCEEDED', final: true, current: 6, total: 6 });
        expect(mine.filter((event) => event.final)).toHaveLength(1);
      } finally {
        await client.dispose();
      }
    });

    it('runs every other kind to SUCCEEDED, followed over graphql-ws', async () => {
      const client = wsClient(api.url);
      try {
        const starts = [
          async () => dataOf(await request(api.url, WarmAlbumCacheDocument, {})).warmAlbumCache,
          async () => dataOf(await request(api.url, RefreshTrackStatsDocument, {})).refreshTrackStats,
          async () =>
            dataOf(await request(api.url, SyncAudioFeaturesDocument, { input: { concurrency: 8 } })).syncAudioFeatures,
          async () =>
            dataOf(await request(api.url, RefreshExpiringCacheDocument, { input: { lookaheadDays: 30 } }))
              .refreshExpiringCache,
          async () =>
            dataOf(await request(api.url, RefreshTrackStatsDocument, { input: { static: true } })).refreshTrackStats,
        ];
        for (const start of starts) {
          const run = await start();
          const states = (await overWs(client, JobRunProgressDocument, { id: run.id })).map(
            (result) => dataOf(result).jobRunProgress,
          );
          expect({ kind: run.kind, status: states.at(-1)?.status }).toEqual({ kind: run.kind, status: 'SUCCEEDED' });
        }
      } finally {
        await client.dispose();
      }
      const { rows } = await harness.db.pool.query<{ albums: number; tracks: number; features: number }>(
        `SELECT (SELECT count(*)::int FROM album_cache) AS albums, (SELECT count(*)::int FROM track_cache) AS tracks,
                (SELECT count(*)::int FROM audio_features) AS features`,
      );
      expect(rows[0]).toEqual({
        albums: harness.sims.library.albumCount,
        tracks: harness.sims.library.trackCount,
        features: expect.any(Number),
      });
      expect(rows[0]?.features).toBeGreaterThan(0);
    });

    it('cancels a running warm in the worker that holds it', async () => {
      const cleared = dataOf(
        await request(api.url, ClearCacheDocument, { input: { tables: ['ARTISTS'], expiredOnly: false } }),
      ).clearCache;
      expect(cleared).toMatchObject({ artists: 6, albums: 0, tracks: 0, total: 6, expiredOnly: false });
      harness.sims.lastfm.faults.set({ latencyMs: 1500 });
      const client = wsClient(api.url);
      try {
        const run = dataOf(
          await request(api.url, WarmArtistCacheDocument, { input: { concurrency: 1 } }),
        ).warmArtistCache;
        const progress = wsStream(client, JobRunProgressDocument, { id: run.id });
        await progress.until((results) => results.some((result) => result.data?.jobRunProgress.status === 'RUNNING'));
        const requested = dataOf(await request(api.url, CancelJobRunDocument, { id: run.id })).cancelJobRun;
        expect(requested).toMatchObject({ status: 'RUNNING', cancelRequested: true });
        await progress.completed;
        const last = progress.results.at(-1)?.data?.jobRunProgress;
        expect(last?.status).toBe('CANCELLED');
        expect(last?.progress.current).toBeLessThan(6);
      } finally {
        harness.sims.lastfm.faults.set({ latencyMs: undefined });
        await client.dispose();
      }
    });

    it('clears expired entries per table and says how many', async () => {
      await harness.db.pool.query(
        `UPDATE album_cache SET expires_at = now() - interval '1 hour' WHERE id IN (SELECT id FROM album_cache ORDER BY id LIMIT 3)`,
      );
      await harness.db.pool.query(
        `UPDATE track_cache SET static_expires_at = now() - interval '1 hour' WHERE rating_key IN (SELECT rating_key FROM track_cache ORDER BY rating_key LIMIT 2)`,
      );
      const cleared = dataOf(await request(api.url, ClearCacheDocument, { input: {} })).clearCache;
      expect(cleared).toMatchObject({ albums: 3, tracks: 2, total: 3 + 2 + cleared.artists, expiredOnly: true });
      const again = dataOf(await request(api.url, ClearCacheDocument, {})).clearCache;
      expect(again.total).toBe(0);
    });
  });
});
