// The API in one process (`linernotes serve --no-worker`), the jobs in another (`linernotes worker`):
// a client subscribed to the API process sees the whole progress of a warm it started there, carried
// from the worker process by PostgreSQL NOTIFY to the API process's LISTEN and on over graphql-ws and SSE.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobRunEventsDocument, JobRunProgressDocument, WarmArtistCacheDocument } from '../../src/generated/graphql.ts';
import { type RunningCli, startCli } from '../support/cli.ts';
import { wsClient } from '../support/graphql-clients.ts';
import { type Harness, startHarness } from '../support/harness.ts';
import { dataOf, overSse, request } from './support/operations.ts';
import { PROBE_RUN_ID, publishProbe } from './support/probe-event.ts';
import { whenReceiving, wsStream } from './support/streams.ts';
import { NO_SCHEDULES } from './support/worker.ts';

const ARTISTS = 8;
const API_TOKEN = 'cross-process-token-0123456789';

describe('an API process and a separate worker process', () => {
  let harness: Harness;
  let workDir: string;
  let api: RunningCli;
  let worker: RunningCli;
  let url: string;

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(os.tmpdir(), 'linernotes-api-'));
    await chmod(workDir, 0o755);
    harness = await startHarness({ sims: { seed: 31, artists: ARTISTS }, env: NO_SCHEDULES });
    // Slow Last.fm down a little, so the warm reports progress several times before it ends.
    harness.sims.lastfm.faults.set({ latencyMs: 150 });
    const env = { ...harness.env, LOG_LEVEL: 'info', API_TOKEN, HOST: '127.0.0.1', PORT: '0' };
    api = startCli(['serve', '--no-worker'], { env, cwd: workDir });
    worker = startCli(['worker'], { env, cwd: workDir });
    const [listening] = await Promise.all([
      api.waitForOutput(/"url":"(http:\/\/[^"]+)\/graphql"/),
      worker.waitForOutput(/Worker connected/),
    ]);
    url = listening[1] ?? '';
  }, 60_000);

  afterAll(async () => {
    for (const child of [api, worker]) {
      if (child && child.child.exitCode === null) {
        child.child.kill('SIGTERM');
        await child.exited;
      }
    }
    await harness?.close();
    await rm(workDir, { recursive: true, force: true });
  });

  it('streams a warm started through the API from queued to SUCCEEDED', async () => {
    const client = wsClient(url);
    try {
      const events = wsStream(client, JobRunEventsDocument, {});
      await whenReceiving(
        events,
        () => publishProbe(harness.db.pool),
        (result) => result.data?.jobRunEvents.runId === PROBE_RUN_ID,
      );

      const started = await request(
        url,
        WarmArtistCacheDocument,
        { input: { concurrency: 2 } },
        { authorization: `Bearer ${API_TOKEN}` },
      );
      const run = dataOf(started).warmArtistCache;
      expect(run).toMatchObject({ kind: 'CACHE_WARM', task: 'cache-warm', trigger: 'API' });
      // The API process has no worker: the run can only end because the worker process ran it.
      const progress = (await overSse(url, JobRunProgressDocument, { id: run.id })).map(
        (result) => dataOf(result).jobRunProgress,
      );
      const final = await events.until((results) =>
        results.some((result) => result.data?.jobRunEvents.runId === run.id && result.data.jobRunEvents.final),
      );
      events.stop();

      const mine = final.map((result) => dataOf(result).jobRunEvents).filter((event) => event.runId === run.id);
      const running = mine.filter((event) => event.status === 'RUNNING');
      expect(running.length).toBeGreaterThanOrEqual(2);
      expect(running.some((event) => event.current > 0 && event.current < ARTISTS)).toBe(true);
      const currents = running.map((event) => event.current);
      expect(currents).toEqual([...currents].sort((a, b) => a - b));
      expect(mine.at(-1)).toMatchObject({ status: 'SUCCEEDED', final: true, current: ARTISTS, total: ARTISTS });
      // The names JobRun uses answer the same on an event.
      expect(mine.at(-1)).toMatchObject({ id: run.id, isFinal: true, progressCurrent: ARTISTS });

      expect(progress[0]?.id).toBe(run.id);
      expect(progress.at(-1)).toMatchObject({ status: 'SUCCEEDED', progress: { current: ARTISTS, total: ARTISTS } });
      expect(progress.length).toBeGreaterThanOrEqual(2);
      const { rows } = await harness.db.pool.query<{ count: number }>(
        'SELECT count(*)::int AS count FROM artist_cache',
      );
      expect(rows[0]?.count).toBe(ARTISTS);
    } finally {
      await client.dispose();
    }
  }, 60_000);
});
