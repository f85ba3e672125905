// providerHealth through the API against the simulators: a Last.fm that answers 500 to everything shows
// as FAILING with its breaker open, and OK again once it answers; a worker in another process reports its
// own breaker and counts, which this process could not have seen otherwise.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  JobRunDocument,
  LookupArtistsDocument,
  ProviderHealthDocument,
  type ProviderHealthQuery,
  WarmArtistCacheDocument,
} from '../../src/generated/graphql.ts';
import { type RunningCli, runCli, startCli } from '../support/cli.ts';
import { type Harness, startHarness } from '../support/harness.ts';
import { type ApiServer, startApiServer } from './support/api-server.ts';
import { dataOf, request } from './support/operations.ts';
import { NO_SCHEDULES } from './support/worker.ts';

const ARTISTS = 40;
type Health = ProviderHealthQuery['providerHealth'][number];

describe('providerHealth for the whole installation', () => {
  let harness: Harness;
  let api: ApiServer;
  let workDir: string;
  let worker: RunningCli | undefined;
  let nextArtist = 0;

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(os.tmpdir(), 'linernotes-health-'));
    await chmod(workDir, 0o755);
    const generous = { limit: 200, windowMs: 1_000 };
    harness = await startHarness({
      sims: { seed: 77, artists: ARTISTS, lastfm: { quirks: { rateLimit: generous } } },
      // Heartbeats (and so the health records) every half second; the fallbacks fast.
      env: { ...NO_SCHEDULES, WORKER_STALE_SECONDS: '3', LASTFM_RPS: '20', MUSICBRAINZ_RPS: '40', SPOTIFY_RPS: '40' },
      // This process's Last.fm client: one attempt per call, a breaker that opens after three failures
      // and lets a probe through after three seconds.
      providerTuning: {
        perProvider: { lastfm: { http: { maxAttempts: 1 }, breaker: { failureThreshold: 3, openMs: 3_000 } } },
      },
    });
    harness.sims.musicbrainz.setQuirks({ rateLimit: generous });
    harness.sims.spotify.setQuirks({ rateLimit: generous });
    api = await startApiServer(harness);
  }, 60_000);
  afterAll(async () => {
    if (worker && worker.child.exitCode === null) {
      worker.child.kill('SIGTERM');
      await worker.exited;
    }
    await api?.close();
    await harness?.close();
    await rm(workDir, { recursive: true, force: true });
  });

  async function health(provider: Health['provider']): Promise<Health> {
    const all = dataOf(await request(api.url, ProviderHealthDocument)).providerHealth;
    const found = all.find((entry) => entry.provider === provider);
    if (found === undefined) throw new Error(`no ${provider} in ${JSON.stringify(all)}`);
    return found;
  }

  /** An artist this process has not looked up yet: its lookup asks Last.fm (unless the breaker holds it). */
  async function lookUpAnother(): Promise<void> {
    const name = harness.sims.library.artist(nextArtist++).name;
    dataOf(await request(api.url, LookupArtistsDocument, { names: [name] }));
  }

  it('answers every provider, configured or not, with what the start-up probe found for Spotify', async () => {
    const all = dataOf(await request(api.url, ProviderHealthDocument)).providerHealth;
    expect(all.map((entry) => entry.provider)).toEqual(['PLEX', 'LASTFM', 'MUSICBRAINZ', 'SPOTIFY', 'AUDIOMUSE']);
    expect(all.every((entry) => entry.configured && entry.status === 'OK')).toBe(true);
    // The probe runs in the background at start: wait for its finding to be stored.
    await expect.poll(async () => (await health('SPOTIFY')).genres, { timeout: 15_000 }).toBe('AVAILABLE');
    expect((await health('LASTFM')).budgetPerSecond).toBe(20);
    expect((await health('PLEX')).genres).toBeNull();
  });

  it('shows Last.fm answering 500 to everything as FAILING with an open breaker, and OK once it answers', async () => {
    harness.sims.lastfm.faults.set({ errorRate: 1 });
    for (let call = 0; call < 3; call++) await lookUpAnother();
    await expect.poll(async () => (await health('LASTFM')).status, { timeout: 15_000, interval: 100 }).toBe('FAILING');
    const broken = await health('LASTFM');
    expect(broken).toMatchObject({ breaker: 'OPEN', failingProcesses: 1, pause: null });
    expect(broken.lastHour.errors).toBeGreaterThanOrEqual(3);
    expect(new Date(broken.resumesAt ?? 0).getTime()).toBeGreaterThan(Date.now());
    await expect
      .poll(async () => (await health('LASTFM')).lastHour.requests, { timeout: 10_000 })
      .toBe(harness.sims.log.count({ provider: 'lastfm' }));

    // Healthy again: once the breaker lets a probe through, it closes, and the failures stay in the counts.
    harness.sims.lastfm.faults.reset();
    await expect
      .poll(
        async () => {
          await lookUpAnother();
          const now = await health('LASTFM');
          return `${now.status} ${now.breaker}`;
        },
        { timeout: 30_000, interval: 250 },
      )
      .toBe('OK CLOSED');
    const recovered = await health('LASTFM');
    expect(recovered).toMatchObject({ failingProcesses: 0, resumesAt: null });
    expect(recovered.lastHour.errors).toBe(broken.lastHour.errors);
  }, 60_000);

  it('reports the breaker and the counts of a worker in another process', async () => {
    const env = { ...harness.env, LOG_LEVEL: 'info', CACHE_WARM_CONCURRENCY: '8' };
    worker = startCli(['worker'], { env, cwd: workDir });
    await worker.waitForOutput(/Worker connected/, 30_000);
    harness.sims.lastfm.faults.set({ errorRate: 1 });
    const run = dataOf(await request(api.url, WarmArtistCacheDocument, { input: {} })).warmArtistCache;

    // Only the worker asks Last.fm now: the open breaker this API process reports is the worker's.
    await expect
      .poll(
        async () => {
          const now = await health('LASTFM');
          return `${now.status} ${now.breaker} ${now.failingProcesses}/${now.processes}`;
        },
        { timeout: 60_000, interval: 200 },
      )
      .toBe('FAILING OPEN 1/2');
    await expect
      .poll(async () => dataOf(await request(api.url, JobRunDocument, { id: run.id })).jobRun?.status, {
        timeout: 120_000,
        interval: 250,
      })
      .toBe('SUCCEEDED');
    harness.sims.lastfm.faults.reset();
    worker.child.kill('SIGTERM');
    expect((await worker.exited).code).toBe(0);

    // The worker wrote its last counts as it stopped: every Last.fm request the simulator saw is counted,
    // most of them by a process this one knows nothing of. Its breaker went with it.
    const sent = harness.sims.log.count({ provider: 'lastfm' });
    const countedHere = harness.runtime.providers.stats().lastfm.counters?.requests ?? 0;
    expect(countedHere).toBeLessThan(sent);
    await expect.poll(async () => (await health('LASTFM')).lastHour.requests, { timeout: 10_000 }).toBe(sent);
    expect(await health('LASTFM')).toMatchObject({ status: 'OK', breaker: 'CLOSED', processes: 1 });

    // The CLI reads the same records: a third process, with no provider client of its own.
    const cli = await runCli(['providers', 'health'], { env: harness.env, cwd: workDir });
    expect(cli.code, cli.stderr).toBe(0);
    const [header, ...rows] = cli.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^PROVIDER +STATUS +BREAKER +REQ\/S +BUDGET\/S +REQUESTS 1H +429 1H +ERRORS 1H +RESUMES$/);
    const lastfm = rows.find((row) => row.startsWith('lastfm '))?.split(/ {2,}/);
    expect(lastfm?.slice(0, 3)).toEqual(['lastfm', 'ok', 'closed']);
    expect(lastfm?.[5]).toBe(String(sent));
    expect(rows.some((row) => row.startsWith('spotify genres: available (probed '))).toBe(true);
  }, 180_000);
});
