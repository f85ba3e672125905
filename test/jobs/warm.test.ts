import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalGenreKey, defaultGenreRules } from '../../src/enrichment/genre-rules.ts';
import { normaliseNameKey } from '../../src/enrichment/text-keys.ts';
import { runJobNow } from '../../src/jobs/start-job.ts';
import { GENRE_VARIANTS, type SyntheticArtist } from '../../src/simulators/index.ts';
import type { ArtistProfile } from '../../src/simulators/library-types.ts';
import { type Harness, startHarness } from '../support/harness.ts';

// Which providers contribute, by the library's truth about each artist (every provider configured).
const EXPECTED_SOURCE: Record<ArtistProfile, string> = {
  special: 'plex,lastfm',
  full: 'plex,lastfm',
  'plex-only': 'plex',
  'lastfm-only': 'lastfm',
  'lastfm-autocorrect': 'lastfm',
  'musicbrainz-by-id': 'musicbrainz',
  'musicbrainz-by-search': 'musicbrainz',
  'spotify-fallback': 'spotify',
  'no-spotify': 'plex,lastfm',
  nobody: 'none',
};

const canonicalOf = new Map(
  [...GENRE_VARIANTS].map(([spelling, id]) => [canonicalGenreKey(spelling, defaultGenreRules), id]),
);

describe('cache-warm against the simulators', () => {
  let harness: Harness;
  let artists: SyntheticArtist[];

  beforeAll(async () => {
    harness = await startHarness({
      sims: { seed: 11, artists: 24 },
      // The simulators enforce the real rates (Last.fm 5/s, MusicBrainz 1/s); the defaults stay within them.
      env: { CACHE_WARM_CONCURRENCY: '4' },
    });
    artists = Array.from({ length: harness.sims.library.artistCount }, (_, index) =>
      harness.sims.library.artist(index),
    );
  }, 60_000);
  afterAll(async () => {
    await harness.close();
  });

  it('caches every artist with the genres and source the merge rules give', async () => {
    const outcome = await runJobNow(harness.runtime, 'cache-warm', {});
    expect(outcome.outcome).toBe('finished');
    if (outcome.outcome !== 'finished') return;
    expect(outcome.run).toMatchObject({
      status: 'succeeded',
      trigger: 'cli',
      progressCurrent: artists.length,
      progressTotal: artists.length,
    });
    expect(harness.sims.log.filter({ provider: 'lastfm' }).filter((entry) => entry.status === 429)).toEqual([]);

    const { rows } = await harness.db.pool.query<{
      name_key: string;
      genres: string[];
      source: string;
      status: string;
    }>('SELECT name_key, genres, cache_source_text(source) AS source, status FROM artist_cache');
    const byKey = new Map(rows.map((row) => [row.name_key, row]));
    expect(rows).toHaveLength(artists.length);
    for (const artist of artists) {
      const row = byKey.get(normaliseNameKey(artist.name) ?? '');
      expect(row, artist.name).toBeDefined();
      if (!row) continue;
      expect({ name: artist.name, source: row.source }).toEqual({
        name: artist.name,
        source: EXPECTED_SOURCE[artist.profile],
      });
      expect(row.status, artist.name).toBe(artist.profile === 'nobody' ? 'empty' : 'ok');
      const canonical = row.genres.map((genre) => canonicalOf.get(canonicalGenreKey(genre, defaultGenreRules)));
      // Every genre that is a genre of the library is one of this artist's; none is repeated in another spelling.
      for (const id of canonical)
        if (id !== undefined) expect(artist.genres, `${artist.name}: ${row.genres.join(', ')}`).toContain(id);
      expect(new Set(row.genres.map((genre) => canonicalGenreKey(genre, defaultGenreRules))).size).toBe(
        row.genres.length,
      );
      if (artist.profile !== 'nobody')
        expect(canonical.filter((id) => id !== undefined).length, artist.name).toBeGreaterThan(0);
    }
  }, 120_000);

  it('makes no Last.fm, MusicBrainz or Spotify request on a second warm', async () => {
    const before = harness.sims.log.entries.length;
    const outcome = await runJobNow(harness.runtime, 'cache-warm', {});
    expect(outcome.outcome === 'finished' && outcome.run.status).toBe('succeeded');
    const since = harness.sims.log.entries.slice(before);
    expect(since.filter((entry) => entry.provider !== 'plex')).toEqual([]);
    expect(outcome.outcome === 'finished' && outcome.run.sourceCounts).toEqual({ cached: artists.length });
  }, 60_000);

  it('counts what it would fetch in a dry run and writes nothing, not even a run', async () => {
    await harness.db.pool.query(
      `DELETE FROM artist_cache WHERE name_key IN (SELECT name_key FROM artist_cache LIMIT 5)`,
    );
    const runsBefore = (await harness.db.pool.query('SELECT count(*)::int AS count FROM job_runs')).rows[0];
    const before = harness.sims.log.entries.length;
    const outcome = await runJobNow(harness.runtime, 'cache-warm', { dryRun: true });
    // The message is the warm's estimate from its listing: five artists to fetch, one Last.fm request each.
    const fresh = Math.round((100 * (artists.length - 5)) / artists.length);
    expect(outcome.outcome === 'dry-run' && outcome.message).toMatch(
      new RegExp(`^dry run: ${artists.length} artists, ${fresh}% fresh, 5 to fetch: ≈ 5 Last\\.fm requests at 4/s`),
    );
    expect(outcome.outcome === 'dry-run' && outcome.estimate).toMatchObject({
      kind: 'cache-warm',
      entities: artists.length,
      fresh: artists.length - 5,
      toFetch: 5,
      listed: true,
      assumedFallbackShare: false,
    });
    expect(outcome.outcome === 'dry-run' && outcome.progress.sourceCounts).toEqual({
      cached: artists.length - 5,
      'would-fetch': 5,
    });
    expect((await harness.db.pool.query('SELECT count(*)::int AS count FROM job_runs')).rows[0]).toEqual(runsBefore);
    expect(harness.sims.log.entries.slice(before).filter((entry) => entry.provider !== 'plex')).toEqual([]);
    const { rows } = await harness.db.pool.query('SELECT count(*)::int AS count FROM artist_cache');
    expect(rows[0]).toEqual({ count: artists.length - 5 });
  }, 60_000);

  it('keeps 16 entries in flight on one run signal without a MaxListenersExceededWarning', async () => {
    // Every entry in flight waits on the Last.fm limiter with the run's signal: 16 of them are more
    // than Node's default of 10 abort listeners, which is not a leak and must not be reported as one.
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => {
      if (warning.name === 'MaxListenersExceededWarning') warnings.push(warning);
    };
    process.on('warning', onWarning);
    try {
      const outcome = await runJobNow(harness.runtime, 'cache-warm', { skipCached: false, concurrency: 16 });
      expect(outcome.outcome === 'finished' && outcome.run.status).toBe('succeeded');
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.map((warning) => warning.message)).toEqual([]);
  }, 60_000);
});
