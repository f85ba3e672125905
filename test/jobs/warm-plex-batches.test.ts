import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normaliseNameKey } from '../../src/enrichment/text-keys.ts';
import { runJobNow } from '../../src/jobs/start-job.ts';
import { DEFAULT_PLEX_PAGE_SIZE } from '../../src/providers/plex.ts';
import { type Harness, startHarness } from '../support/harness.ts';

// Detail requests are /library/metadata/{k1,k2,…}; children listings end in /children.
const DETAIL_PATH = /^\/library\/metadata\/[\d,]+$/;

describe('warms read Plex details one batched request per listing page', () => {
  let harness: Harness;

  beforeAll(async () => {
    // Plex alone, so that a warm of a few hundred artists is quick; more than two listing pages of artists.
    harness = await startHarness({
      sims: { seed: 21, artists: 2 * DEFAULT_PLEX_PAGE_SIZE + 50 },
      env: {
        LASTFM_API_KEY: '',
        SPOTIFY_CLIENT_ID: '',
        SPOTIFY_CLIENT_SECRET: '',
        MUSICBRAINZ_ENABLED: 'false',
        CACHE_WARM_CONCURRENCY: '8',
      },
    });
  }, 60_000);
  afterAll(async () => {
    await harness.close();
  });

  it('a warm of N artists makes N / page detail requests, and stores every Style and Mood they carry', async () => {
    const artists = Array.from({ length: harness.sims.library.artistCount }, (_, index) =>
      harness.sims.library.artist(index),
    );
    const since = Date.now();
    const outcome = await runJobNow(harness.runtime, 'cache-warm', {});
    expect(outcome.outcome === 'finished' && outcome.run.status).toBe('succeeded');

    const pages = Math.ceil(artists.length / DEFAULT_PLEX_PAGE_SIZE);
    const details = harness.sims.log.filter({ provider: 'plex', path: DETAIL_PATH, since });
    expect(details).toHaveLength(pages);
    const asked = details.flatMap((entry) => entry.path.slice('/library/metadata/'.length).split(','));
    expect(asked.sort()).toEqual(artists.map((artist) => artist.ratingKey).sort());

    // What only the detail view carries reached the cache.
    const { rows } = await harness.db.pool.query<{
      name_key: string;
      moods: string[];
      raw_tags: { plex?: { styles?: Array<{ name: string }> } };
    }>('SELECT name_key, moods, raw_tags FROM artist_cache');
    const byKey = new Map(rows.map((row) => [row.name_key, row]));
    const withStyles = artists.filter((artist) => artist.plex.styles.length > 0);
    expect(withStyles.length).toBeGreaterThan(0);
    for (const artist of withStyles) {
      const row = byKey.get(normaliseNameKey(artist.name) ?? '');
      expect(
        row?.raw_tags.plex?.styles?.map((style) => style.name),
        artist.name,
      ).toEqual(artist.plex.styles);
    }
    const withMoods = artists.filter((artist) => artist.plex.moods.length > 0);
    expect(withMoods.length).toBeGreaterThan(0);
    for (const artist of withMoods)
      expect(byKey.get(normaliseNameKey(artist.name) ?? '')?.moods.length, artist.name).toBeGreaterThan(0);
  }, 120_000);

  it('a warm of the albums makes one detail request per listing page', async () => {
    const since = Date.now();
    const outcome = await runJobNow(harness.runtime, 'cache-warm-albums', {});
    expect(outcome.outcome === 'finished' && outcome.run.status).toBe('succeeded');
    const pages = Math.ceil(harness.sims.library.albumCount / DEFAULT_PLEX_PAGE_SIZE);
    expect(harness.sims.log.count({ provider: 'plex', path: DETAIL_PATH, since })).toBe(pages);
  }, 120_000);
});
