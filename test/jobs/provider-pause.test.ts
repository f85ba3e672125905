// A provider that refuses our credentials for good (Last.fm errors 10 and 26, Spotify's 403 for an app
// owner without Premium) is paused for the whole installation: a warm stops asking it after the first
// refusal, finishes without it, keeps the entries partial, and every process (and the API) sees the pause.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import { runJobNow } from '../../src/jobs/start-job.ts';
import { silentLogger } from '../../src/logger.ts';
import { startProcessRuntime } from '../../src/process-runtime.ts';
import { deletePause, readPauses } from '../../src/providers/pause-store.ts';
import { httpQuery } from '../support/graphql-clients.ts';
import { type Harness, startHarness } from '../support/harness.ts';
import { type ApiServer, startApiServer } from '../api/support/api-server.ts';

const PAUSE_QUERY = '{ cacheStats { providers { provider pause { reason since retryAt } } } }';
// Requests already on their way when the first refusal comes back may be refused too; no more than that.
const HANDFUL = 4;

interface PauseView {
  provider: string;
  pause: { reason: string; since: string; retryAt: string } | null;
}

describe('a provider that refuses our credentials for good', () => {
  let harness: Harness;
  let api: ApiServer;

  beforeAll(async () => {
    harness = await startHarness({ sims: { seed: 12, artists: 24 }, env: { CACHE_WARM_CONCURRENCY: String(HANDFUL) } });
    api = await startApiServer(harness);
  }, 60_000);
  afterAll(async () => {
    await api.close();
    await harness.close();
  });

  const pausesShown = async (): Promise<Map<string, PauseView['pause']>> => {
    const result = await httpQuery<{ cacheStats: { providers: PauseView[] } }>(api.url, PAUSE_QUERY);
    expect(result.errors).toBeUndefined();
    return new Map((result.data?.cacheStats.providers ?? []).map((view) => [view.provider, view.pause]));
  };

  it('a Last.fm answering error 26 to everything: a handful of requests, then paused with its reason, entries partial', async () => {
    harness.sims.lastfm.setQuirks({ suspended: true });
    const before = harness.sims.log.count({ provider: 'lastfm' });
    const outcome = await runJobNow(harness.runtime, 'cache-warm', {});
    expect(outcome.outcome === 'finished' && outcome.run.status).toBe('succeeded');
    expect(harness.sims.log.count({ provider: 'lastfm' }) - before).toBeLessThanOrEqual(HANDFUL);

    const [stored] = await readPauses(harness.db.pool);
    expect(stored).toMatchObject({ provider: 'lastfm', reason: expect.stringMatching(/^error 26: Suspended API key/) });
    const shown = (await pausesShown()).get('LASTFM');
    expect(shown?.reason).toContain('error 26: Suspended API key');
    expect(Date.parse(shown?.retryAt ?? '')).toBeGreaterThan(Date.now() + 23 * 3600_000);

    // Plex answered for every artist, Last.fm for none: partial, to be completed once Last.fm answers again.
    const { rows } = await harness.db.pool.query<{ status: string; last_error: string | null }>(
      'SELECT status, last_error FROM artist_cache',
    );
    expect(rows).toHaveLength(harness.sims.library.artistCount);
    for (const row of rows) {
      expect(row.status).toBe('partial');
      expect(row.last_error).toContain('lastfm unauthorised');
    }
  }, 60_000);

  it('is seen by another process at its start, which sends nothing, and ends for every process on resume', async () => {
    const other = await startProcessRuntime({ config: harness.config, db: harness.db, logger: silentLogger() });
    try {
      expect(other.providers.pause('lastfm')?.reason).toMatch(/^error 26/);
      const before = harness.sims.log.count({ provider: 'lastfm' });
      await expect(
        other.providers.require('lastfm').artistTopTags(harness.sims.library.artist(3).name),
      ).rejects.toMatchObject({
        code: 'paused',
      });
      expect(harness.sims.log.count({ provider: 'lastfm' })).toBe(before);

      harness.sims.lastfm.setQuirks({ suspended: false });
      expect(await deletePause(harness.db.pool, 'lastfm')).toBe(true);
      await vi.waitFor(() => {
        expect(other.providers.pause('lastfm')).toBeUndefined();
        expect(harness.runtime.providers.pause('lastfm')).toBeUndefined();
      });
      expect((await pausesShown()).get('LASTFM')).toBeNull();
    } finally {
      await other.stop();
    }
  }, 60_000);

  it('pauses on error 10 (an invalid key), and a restart with another key ends that pause', async () => {
    const wrongKey = parseConfig({ ...harness.env, LASTFM_API_KEY: 'ffffffffffffffffffffffffffffffff' });
    const misconfigured = await startProcessRuntime({ config: wrongKey, db: harness.db, logger: silentLogger() });
    try {
      const before = harness.sims.log.count({ provider: 'lastfm' });
      const outcome = await runJobNow(misconfigured, 'cache-warm', { skipCached: false });
      expect(outcome.outcome === 'finished' && outcome.run.status).toBe('succeeded');
      expect(harness.sims.log.count({ provider: 'lastfm' }) - before).toBeLessThanOrEqual(HANDFUL);
      expect((await readPauses(harness.db.pool))[0]?.reason).toMatch(/^error 10: Invalid API key/);
      // The API process has the right key: the pause of another key is not its pause.
      expect((await pausesShown()).get('LASTFM')).toBeNull();
    } finally {
      await misconfigured.stop();
    }
    const restarted = await startProcessRuntime({ config: harness.config, db: harness.db, logger: silentLogger() });
    try {
      expect(restarted.providers.pause('lastfm')).toBeUndefined();
      expect(await readPauses(harness.db.pool)).toEqual([]);
    } finally {
      await restarted.stop();
    }
  }, 60_000);

  it('pauses Spotify on its 403 for an app whose owner has no Premium, and the warm finishes without it', async () => {
    harness.sims.spotify.setQuirks({ ownerWithoutPremium: true });
    const before = harness.sims.log.count({ provider: 'spotify', path: /^\/v1\// });
    const outcome = await runJobNow(harness.runtime, 'cache-warm', { skipCached: false });
    expect(outcome.outcome === 'finished' && outcome.run.status).toBe('succeeded');
    expect(harness.sims.log.count({ provider: 'spotify', path: /^\/v1\// }) - before).toBeLessThanOrEqual(HANDFUL);
    expect((await readPauses(harness.db.pool)).map((pause) => pause.provider)).toEqual(['spotify']);
    expect((await pausesShown()).get('SPOTIFY')?.reason).toContain(
      'Active premium subscription required for the owner of the app',
    );
    // Only the artists that needed Spotify lack it; they stay partial for a later retry.
    const { rows } = await harness.db.pool.query<{ status: string; n: number }>(
      `SELECT status, count(*)::int AS n FROM artist_cache WHERE last_error LIKE '%spotify unauthorised%' GROUP BY status`,
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.status).toBe('partial');
  }, 60_000);
});
