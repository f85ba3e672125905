// warmEstimate through the API against the simulators: the requests it expects per provider are set
// against the requests the warm then sends (counted in the simulators' own request log), and a dry run
// of the same warm reports the same figures.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  JobRunDocument,
  WarmAlbumCacheDocument,
  WarmArtistCacheDocument,
  WarmEstimateDocument,
  type WarmEstimateQuery,
} from '../../src/generated/graphql.ts';
import type { ProviderName } from '../../src/types.ts';
import type { WorkerHandle } from '../../src/worker/runner.ts';
import { runCli } from '../support/cli.ts';
import { type Harness, startHarness } from '../support/harness.ts';
import { type ApiServer, startApiServer } from './support/api-server.ts';
import { dataOf, request } from './support/operations.ts';
import { refusal } from './support/results.ts';
import { NO_SCHEDULES, startTestWorker } from './support/worker.ts';

const ARTISTS = 60;
type Estimate = WarmEstimateQuery['warmEstimate'];

function estimated(estimate: Estimate): Partial<Record<ProviderName, number>> {
  return Object.fromEntries(estimate.requests.map((entry) => [entry.provider.toLowerCase(), entry.requests]));
}

describe('warmEstimate against the requests the warm then sends', () => {
  let harness: Harness;
  let api: ApiServer;
  let worker: WorkerHandle;
  let workDir: string;

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(os.tmpdir(), 'linernotes-estimate-'));
    await chmod(workDir, 0o755);
    // The simulators' limits lifted and the rates raised, so that warming the library takes seconds.
    const generous = { limit: 200, windowMs: 1_000 };
    harness = await startHarness({
      sims: { seed: 4242, artists: ARTISTS, lastfm: { quirks: { rateLimit: generous } } },
      env: {
        ...NO_SCHEDULES,
        LASTFM_RPS: '20',
        MUSICBRAINZ_RPS: '40',
        SPOTIFY_RPS: '40',
        CACHE_WARM_CONCURRENCY: '8',
        ALBUM_WARM_CONCURRENCY: '8',
      },
    });
    harness.sims.musicbrainz.setQuirks({ rateLimit: generous });
    harness.sims.spotify.setQuirks({ rateLimit: generous });
    api = await startApiServer(harness);
    worker = await startTestWorker(harness);
  }, 60_000);
  afterAll(async () => {
    await worker?.stop();
    await api?.close();
    await harness?.close();
    await rm(workDir, { recursive: true, force: true });
  });

  async function estimate(kind: 'CACHE_WARM' | 'CACHE_WARM_ALBUMS' = 'CACHE_WARM'): Promise<Estimate> {
    return dataOf(await request(api.url, WarmEstimateDocument, { kind })).warmEstimate;
  }

  /** Runs the warm through the API and counts, per provider, what the simulators were sent meanwhile. */
  async function warmAndCount(
    kind: 'artists' | 'albums',
    input: { dryRun?: boolean } = {},
  ): Promise<{ sent: Map<ProviderName, number>; message: string | null | undefined }> {
    const since = Date.now();
    const run =
      kind === 'artists'
        ? dataOf(await request(api.url, WarmArtistCacheDocument, { input })).warmArtistCache
        : dataOf(await request(api.url, WarmAlbumCacheDocument, { input })).warmAlbumCache;
    let final: { status: string; message?: string | null } | undefined;
    await expect
      .poll(
        async () => {
          final = dataOf(await request(api.url, JobRunDocument, { id: run.id })).jobRun ?? undefined;
          return final?.status;
        },
        { timeout: 120_000, interval: 200 },
      )
      .toBe('SUCCEEDED');
    return { sent: harness.sims.log.countByProvider({ since }), message: final?.message };
  }

  function expectWithin(estimate: number, actual: number, share: number): void {
    expect(Math.abs(estimate - actual), `estimated ${estimate}, sent ${actual}`).toBeLessThanOrEqual(actual * share);
  }

  it('on an empty cache: every artist to fetch, Last.fm and Plex exactly, the fallback share assumed', async () => {
    const before = await estimate();
    expect(before).toMatchObject({
      kind: 'CACHE_WARM',
      entities: ARTISTS,
      fresh: 0,
      freshPercent: 0,
      toFetch: ARTISTS,
      assumedFallbackShare: true,
      listed: false,
    });
    expect(before.summary).toMatch(/^60 artists, 0% fresh, 60 to fetch: ≈ 60 Last\.fm requests at 20\/s, /);
    expect(before.summary).toMatch(/, ≈ 3 s \(Last\.fm\); fallback share assumed$/);
    const lastfm = before.requests.find((entry) => entry.provider === 'LASTFM');
    // 60 requests at 20/s: 3 s, the slowest provider (MusicBrainz and Spotify go at 40/s).
    expect(lastfm).toMatchObject({ requests: 60, requestsPerSecond: 20, seconds: 3, pausedUntil: null });
    expect(before).toMatchObject({ pacedBy: 'LASTFM', seconds: 3 });

    const { sent } = await warmAndCount('artists');
    const planned = estimated(before);
    expect(planned.lastfm).toBe(sent.get('lastfm'));
    expect(planned.plex).toBe(sent.get('plex'));
    console.info('first warm, estimated', planned, 'sent', Object.fromEntries(sent));
  }, 180_000);

  it('with half the entries expired: within 10% of what the warm sends, per provider and in all', async () => {
    await harness.db.pool.query(`UPDATE artist_cache SET expires_at = now() - interval '1 day' WHERE id % 2 = 0`);
    const { rows } = await harness.db.pool.query<{ expired: number }>(
      'SELECT count(*)::int AS expired FROM artist_cache WHERE expires_at <= now()',
    );
    const expired = rows[0]?.expired ?? 0;
    const before = await estimate();
    expect(before).toMatchObject({
      entities: ARTISTS,
      fresh: ARTISTS - expired,
      toFetch: expired,
      assumedFallbackShare: false,
    });

    // The dry run reads every page and plans each artist: the same figures, and the same line.
    const dry = await warmAndCount('artists', { dryRun: true });
    expect(dry.message).toBe(`dry run: ${before.summary}`);
    expect([...dry.sent.keys()]).toEqual(['plex']);
    // The CLI's `warm --estimate`, from another process, plans the same requests.
    const cli = await runCli(['warm', '--estimate', '--json'], { env: harness.env, cwd: workDir });
    expect(cli.code, cli.stderr).toBe(0);
    const fromCli = JSON.parse(cli.stdout) as {
      toFetch: number;
      requests: Array<{ provider: string; requests: number }>;
    };
    expect(fromCli.toFetch).toBe(before.toFetch);
    expect(Object.fromEntries(fromCli.requests.map((entry) => [entry.provider, entry.requests]))).toEqual(
      estimated(before),
    );

    const { sent } = await warmAndCount('artists');
    const planned = estimated(before);
    for (const provider of ['lastfm', 'plex', 'musicbrainz', 'spotify'] as const)
      expectWithin(planned[provider] ?? 0, sent.get(provider) ?? 0, 0.1);
    const total = [...sent.values()].reduce((sum, count) => sum + count, 0);
    expectWithin(before.totalRequests, total, 0.1);
    console.info('half expired, estimated', planned, 'sent', Object.fromEntries(sent));
  }, 180_000);

  it('albums: one Last.fm request per album to fetch, Plex per page', async () => {
    const before = await estimate('CACHE_WARM_ALBUMS');
    expect(before).toMatchObject({ kind: 'CACHE_WARM_ALBUMS', fresh: 0, assumedFallbackShare: false });
    expect(before.entities).toBe(harness.sims.library.albumCount);
    const { sent } = await warmAndCount('albums');
    const planned = estimated(before);
    expect(planned.plex).toBe(sent.get('plex'));
    // Albums listed twice (editions) are fetched once: the listing's total is an upper bound.
    expectWithin(planned.lastfm ?? 0, sent.get('lastfm') ?? 0, 0.1);
    expect(sent.get('musicbrainz') ?? 0).toBe(0);
  }, 180_000);

  it('refuses a kind that is not a warm with INVALID_INPUT, and says nothing changed', async () => {
    const before = harness.sims.log.entries.length;
    const response = await request(api.url, WarmEstimateDocument, { kind: 'CACHE_REFRESH' });
    expect(refusal(response).extensions).toMatchObject({ code: 'INVALID_INPUT' });
    expect(harness.sims.log.entries.length).toBe(before);
  });
});
