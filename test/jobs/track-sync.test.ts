import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJobNow } from '../../src/jobs/start-job.ts';
import { DEFAULT_PLEX_PAGE_SIZE } from '../../src/providers/plex.ts';
import type { SyntheticTrack } from '../../src/simulators/index.ts';
import { type Harness, startHarness } from '../support/harness.ts';

// Detail requests are /library/metadata/{k1,k2,…}; children listings end in /children.
const DETAIL_PATH = /^\/library\/metadata\/[\d,]+$/;

function detailKeys(harness: Harness, since: number): string[][] {
  return harness.sims.log
    .filter({ provider: 'plex', path: DETAIL_PATH, since })
    .map((entry) => entry.path.slice('/library/metadata/'.length).split(','));
}

describe('track sync against the Plex simulator', () => {
  let harness: Harness;
  let tracks: SyntheticTrack[];

  beforeAll(async () => {
    // More than two listing pages, so that batching per page is visible in the request log.
    harness = await startHarness({ sims: { seed: 5, tracks: 2 * DEFAULT_PLEX_PAGE_SIZE + 37 } });
    tracks = Array.from({ length: harness.sims.library.trackCount }, (_, index) => harness.sims.library.track(index));
  }, 60_000);
  afterAll(async () => {
    await harness.close();
  });

  it('track-static-refresh stores every track’s Plex moods and genres, reading details in one request per page', async () => {
    // The simulated library has what a real one has: most tracks analysed, with several moods each.
    expect(tracks.filter((track) => track.moods.length >= 5).length).toBeGreaterThan(tracks.length / 2);
    expect(tracks.some((track) => track.genres.length > 0)).toBe(true);
    const since = Date.now();
    const outcome = await runJobNow(harness.runtime, 'track-static-refresh', {});
    expect(outcome.outcome === 'finished' && outcome.run.status).toBe('succeeded');

    const { rows } = await harness.db.pool.query<{ rating_key: string; genres: string[]; moods: string[] }>(
      'SELECT rating_key, genres, moods FROM track_cache',
    );
    const stored = new Map(rows.map((row) => [row.rating_key, row]));
    expect(stored.size).toBe(tracks.length);
    for (const track of tracks) {
      expect({ key: track.ratingKey, moods: stored.get(track.ratingKey)?.moods }).toEqual({
        key: track.ratingKey,
        moods: track.moods,
      });
      expect({ key: track.ratingKey, genres: stored.get(track.ratingKey)?.genres }).toEqual({
        key: track.ratingKey,
        genres: track.genres,
      });
    }

    const pages = Math.ceil(tracks.length / DEFAULT_PLEX_PAGE_SIZE);
    const batches = detailKeys(harness, since);
    expect(batches).toHaveLength(pages);
    expect(batches.flat().sort()).toEqual(tracks.map((track) => track.ratingKey).sort());
    // The listing itself is what it was: list pages, with no detail per track.
    expect(
      harness.sims.log.count({
        provider: 'plex',
        path: `/library/sections/${harness.sims.plex.musicSectionId}/all`,
        since,
      }),
    ).toBe(pages);
  }, 60_000);

  it('track-stats-refresh stays on list pages for known tracks and reads details only for new ones', async () => {
    const fresh = tracks.slice(0, 3).map((track) => track.ratingKey);
    await harness.db.pool.query('DELETE FROM track_cache WHERE rating_key = ANY($1)', [fresh]);
    await harness.db.pool.query(`UPDATE track_cache SET view_count = view_count + 100`);
    const since = Date.now();
    const outcome = await runJobNow(harness.runtime, 'track-stats-refresh', {});
    expect(outcome.outcome === 'finished' && outcome.run.status).toBe('succeeded');
    expect(detailKeys(harness, since)).toEqual([fresh]);

    const { rows } = await harness.db.pool.query<{ rating_key: string; moods: string[]; view_count: number }>(
      'SELECT rating_key, moods, view_count FROM track_cache',
    );
    const stored = new Map(rows.map((row) => [row.rating_key, row]));
    expect(stored.size).toBe(tracks.length);
    for (const track of tracks) {
      // Statistics from the list page for every track; the new tracks' moods from their details, the others' kept.
      expect(stored.get(track.ratingKey)).toEqual({
        rating_key: track.ratingKey,
        moods: track.moods,
        view_count: track.viewCount,
      });
    }
  }, 60_000);
});
