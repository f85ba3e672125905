import { runSourceCounts } from '../../src/jobs/engine/runs/run-fields.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logger.ts';
import { parseConfig } from '../../src/config.ts';
import { runJobNow } from '../../src/jobs/start-job.ts';
import type { JobRunRecord } from '../../src/jobs/engine/runs/run-fields.ts';
import { startProcessRuntime } from '../../src/process-runtime.ts';
import { analysisFingerprint } from '../../src/simulators/index.ts';
import { type Harness, startHarness } from '../support/harness.ts';

interface FeatureRow {
  track_rating_key: string;
  tempo: number | null;
  other_features: Record<string, number>;
  analysis_fingerprint: string | null;
  updated_at: Date;
}

async function run(
  runtime: Parameters<typeof runJobNow>[0],
  options: Record<string, unknown> = {},
): Promise<JobRunRecord> {
  const outcome = await runJobNow(runtime, 'audio-features-sync', options);
  if (outcome.outcome !== 'finished') throw new Error(`audio-features-sync ${outcome.outcome}`);
  expect(outcome.run.status).toBe('succeeded');
  return outcome.run;
}

async function features(harness: Harness): Promise<Map<string, FeatureRow>> {
  const { rows } = await harness.db.pool.query<FeatureRow>(
    'SELECT track_rating_key, tempo, other_features, analysis_fingerprint, updated_at FROM audio_features WHERE audiomuse_item_id IS NOT NULL',
  );
  return new Map(rows.map((row) => [row.track_rating_key, row]));
}

/** The Plex tracks (by ratingKey) AudioMuse has analysed right now, with its fingerprint of each. */
function analysedNow(harness: Harness): Map<string, string> {
  const result = new Map<string, string>();
  for (const track of harness.sims.library.tracks()) {
    const analysis = harness.sims.audiomuse.analysis.features(track.index);
    if (analysis !== null) result.set(track.ratingKey, analysisFingerprint(analysis));
  }
  return result;
}

function audiomuseRequests(harness: Harness) {
  const requests = harness.sims.log.filter({ provider: 'audiomuse' });
  return {
    total: requests.length,
    index: requests.filter((request) => request.path === '/api/sync' && request.query.fields === 'index').length,
    rows: requests.filter((request) => request.path === '/api/sync' && request.query.ids !== undefined).length,
    getScore: requests.filter((request) => request.path === '/external/get_score').length,
  };
}

describe("audio-features-sync through AudioMuse's sync API", () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness({
      sims: { seed: 71, tracks: 1300, specialNames: false, audiomuse: { analysis: { pendingShare: 0.25 } } },
    });
    const tracks = await runJobNow(harness.runtime, 'track-stats-refresh', {});
    expect(tracks.outcome === 'finished' && tracks.run.status).toBe('succeeded');
  }, 120_000);
  afterAll(async () => {
    await harness.close();
  });

  it('syncs a library in O(tracks / 500) requests, storing the fingerprint and no all-zero CLAP features', async () => {
    harness.sims.log.clear();
    const done = await run(harness.runtime);
    const analysed = analysedNow(harness);
    expect(analysed.size).toBeGreaterThan(800);
    const requests = audiomuseRequests(harness);
    expect(requests.getScore).toBe(0);
    expect(requests.index).toBe(Math.ceil(analysed.size / 1000));
    expect(requests.rows).toBe(Math.ceil(analysed.size / 500));
    expect(requests.total).toBe(requests.index + requests.rows);

    const stored = await features(harness);
    expect(new Map([...stored].map(([key, row]) => [key, row.analysis_fingerprint]))).toEqual(analysed);
    expect(runSourceCounts(done)).toMatchObject({ audiomuse: analysed.size, 'not-analysed': 1300 - analysed.size });
    const withoutClap = [...harness.sims.library.tracks()].filter((track) =>
      harness.sims.audiomuse.analysis.features(track.index)?.otherFeatures.every(([, score]) => score === 0),
    );
    expect(withoutClap.length).toBeGreaterThan(0);
    for (const track of withoutClap) expect(stored.get(track.ratingKey)?.other_features).toEqual({});
    const withClap = [...stored.values()].find((row) => Object.keys(row.other_features).length > 0);
    expect(Object.keys(withClap?.other_features ?? {}).sort()).toEqual([
      'aggressive',
      'danceable',
      'happy',
      'party',
      'relaxed',
      'sad',
    ]);
  }, 60_000);

  it('asks only for the manifest when nothing changed', async () => {
    harness.sims.log.clear();
    const done = await run(harness.runtime);
    const requests = audiomuseRequests(harness);
    expect(requests).toMatchObject({ rows: 0, getScore: 0, index: Math.ceil(analysedNow(harness).size / 1000) });
    expect(runSourceCounts(done).audiomuse ?? 0).toBe(0);
  }, 60_000);

  it('picks up at the next run what AudioMuse analysed since the last one, and what it analysed again', async () => {
    const pending = harness.sims.audiomuse.analysis.pending();
    expect(pending.length).toBeGreaterThan(100);
    const before = await features(harness);
    const library = harness.sims.library;
    const pendingKeys = pending.map((index) => library.track(index).ratingKey);
    for (const key of pendingKeys) expect(before.has(key)).toBe(false);
    // The CLAP step runs on a re-analysis: a track that had no CLAP features gets them.
    const reanalysed = [...library.tracks()].find((track) =>
      harness.sims.audiomuse.analysis.features(track.index)?.otherFeatures.every(([, score]) => score === 0),
    );
    if (reanalysed === undefined) throw new Error('no track without CLAP features');
    harness.sims.audiomuse.analysis.analyse();
    harness.sims.audiomuse.analysis.reanalyse(reanalysed.index);

    harness.sims.log.clear();
    const done = await run(harness.runtime);
    const requests = audiomuseRequests(harness);
    expect(requests.rows).toBe(Math.ceil((pending.length + 1) / 500));
    expect(runSourceCounts(done).audiomuse).toBe(pending.length + 1);

    const after = await features(harness);
    const analysed = analysedNow(harness);
    for (const key of [...pendingKeys, reanalysed.ratingKey])
      expect(after.get(key)?.analysis_fingerprint).toBe(analysed.get(key));
    const changed = after.get(reanalysed.ratingKey);
    expect(changed?.analysis_fingerprint).not.toBe(before.get(reanalysed.ratingKey)?.analysis_fingerprint);
    expect(changed?.tempo).toBe(harness.sims.audiomuse.analysis.features(reanalysed.index)?.tempo);
    expect(Object.keys(changed?.other_features ?? {})).toHaveLength(6);
    expect(changed?.updated_at.getTime()).toBeGreaterThan(before.get(reanalysed.ratingKey)?.updated_at.getTime() ?? 0);
  }, 60_000);
});

describe('audio-features-sync with several media servers on one AudioMuse', () => {
  let harness: Harness;

  beforeAll(async () => {
    // AudioMuse's default server is another Plex, where these ratingKeys name other songs; this Plex is "Den".
    harness = await startHarness({
      sims: {
        seed: 72,
        tracks: 120,
        specialNames: false,
        audiomuse: {
          servers: [
            { id: 'srv-living', name: 'Living room', default: true, shift: 3 },
            { id: 'srv-den', name: 'Den' },
          ],
        },
      },
    });
    const tracks = await runJobNow(harness.runtime, 'track-stats-refresh', {});
    expect(tracks.outcome === 'finished' && tracks.run.status).toBe('succeeded');
  }, 120_000);
  afterAll(async () => {
    await harness.close();
  });

  it("refuses rows whose title is not the Plex track's, and stores the right ones with AUDIOMUSE_SERVER", async () => {
    harness.sims.log.clear();
    const refused = await run(harness.runtime);
    expect((await features(harness)).size).toBe(0);
    expect(runSourceCounts(refused).audiomuse ?? 0).toBe(0);
    expect(
      (runSourceCounts(refused)['refused-title'] ?? 0) + (runSourceCounts(refused)['refused-artist'] ?? 0),
    ).toBeGreaterThan(50);
    expect(refused.message).toMatch(/refused/);
    expect(
      harness.sims.log.filter({ provider: 'audiomuse' }).every((request) => request.query.server === undefined),
    ).toBe(true);

    const config = parseConfig({ ...harness.env, AUDIOMUSE_SERVER: 'Den' });
    const den = await startProcessRuntime({ config, db: harness.db, logger: silentLogger() });
    try {
      harness.sims.log.clear();
      const done = await run(den);
      expect(
        harness.sims.log.filter({ provider: 'audiomuse' }).every((request) => request.query.server === 'Den'),
      ).toBe(true);
      const stored = await features(harness);
      const onDen = new Map<string, string>();
      for (const track of harness.sims.library.tracks()) {
        const analysis = harness.sims.audiomuse.analysis.features(track.index);
        if (analysis !== null) onDen.set(track.ratingKey, analysisFingerprint(analysis));
      }
      expect(new Map([...stored].map(([key, row]) => [key, row.analysis_fingerprint]))).toEqual(onDen);
      expect(runSourceCounts(done)['refused-title'] ?? 0).toBe(0);
    } finally {
      await den.stop();
    }
  }, 60_000);
});

describe('audio-features-sync against an AudioMuse without the sync API', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness({
      sims: {
        seed: 73,
        tracks: 90,
        specialNames: false,
        audiomuse: { syncApi: false, analysis: { pendingShare: 0.3 } },
      },
    });
    const tracks = await runJobNow(harness.runtime, 'track-stats-refresh', {});
    expect(tracks.outcome === 'finished' && tracks.run.status).toBe('succeeded');
  }, 120_000);
  afterAll(async () => {
    await harness.close();
  });

  it('falls back to get_score per track, and asks again at the next run for what was not analysed', async () => {
    harness.sims.log.clear();
    const first = await run(harness.runtime);
    const requests = audiomuseRequests(harness);
    // One probe of the manifest (404), then one get_score per track.
    expect(requests).toMatchObject({ index: 1, rows: 0, getScore: 90 });
    const analysed = analysedNow(harness);
    expect((await features(harness)).size).toBe(analysed.size);
    expect(runSourceCounts(first)['not-analysed']).toBe(90 - analysed.size);
    for (const row of (await features(harness)).values()) expect(row.analysis_fingerprint).toBeNull();

    const pending = harness.sims.audiomuse.analysis.pending();
    expect(pending.length).toBeGreaterThan(0);
    harness.sims.audiomuse.analysis.analyse();
    harness.sims.log.clear();
    const second = await run(harness.runtime);
    // Only the tracks without features are asked again; the analysed ones wait for their 30 days.
    expect(audiomuseRequests(harness).getScore).toBe(90 - analysed.size);
    expect(runSourceCounts(second).audiomuse).toBe(pending.length);
    expect((await features(harness)).size).toBe(analysedNow(harness).size);
  }, 60_000);
});
