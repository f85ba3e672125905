import { describe, expect, it } from 'vitest';
import { defaultGenreRules } from '../../src/enrichment/genre-rules.ts';
import {
  deriveTrackFields,
  qualityScore,
  resolveTrackGenres,
  type TrackStats,
} from '../../src/enrichment/track-fields.ts';
import { Rng } from '../../src/simulators/random.ts';

const settings = { rules: defaultGenreRules, maxGenres: 10, ownNames: ['Radiohead'] };
const now = new Date('2026-11-26T12:00:00.000Z');
const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000);

describe('resolveTrackGenres', () => {
  it.each([
    {
      label: 'album entry first',
      sources: { albumGenres: ['Britpop'], artistGenres: ['Rock'], trackGenres: ['Pop'] },
      genres: ['Britpop'],
      from: 'album',
    },
    {
      label: 'artist entry when the album has none',
      sources: { albumGenres: [], artistGenres: ['Rock'], trackGenres: ['Pop'] },
      genres: ['Rock'],
      from: 'artist',
    },
    {
      label: 'artist entry when there is no album entry',
      sources: { artistGenres: ['Rock'], trackGenres: ['Pop'] },
      genres: ['Rock'],
      from: 'artist',
    },
    {
      label: 'the track’s own Plex tags last, normalised',
      sources: { trackGenres: ['hip hop', 'Hip-Hop', 'seen live', 'radiohead'] },
      genres: ['Hip-Hop'],
      from: 'track',
    },
    {
      label: 'nothing anywhere',
      sources: { albumGenres: [], artistGenres: [], trackGenres: [] },
      genres: [],
      from: 'none',
    },
  ])('$label', ({ sources, genres, from }) => {
    expect(resolveTrackGenres(sources, settings)).toEqual({ genres, from });
  });
});

describe('derived track fields', () => {
  it.each([
    { stats: { userRating: 8, viewCount: 0, skipCount: 0 }, isHighRated: true, isUnplayed: true, isUnrated: false },
    { stats: { userRating: 10, viewCount: 3, skipCount: 0 }, isHighRated: true, isUnplayed: false, isUnrated: false },
    { stats: { userRating: 7.9, viewCount: 3, skipCount: 0 }, isHighRated: false, isUnplayed: false, isUnrated: false },
    // Plex's scale is 0-10: a rating of 5 (two and a half stars) is not high.
    { stats: { userRating: 5, viewCount: 3, skipCount: 0 }, isHighRated: false, isUnplayed: false, isUnrated: false },
    { stats: { userRating: 0, viewCount: 1, skipCount: 0 }, isHighRated: false, isUnplayed: false, isUnrated: false },
    { stats: { userRating: null, viewCount: 0, skipCount: 0 }, isHighRated: false, isUnplayed: true, isUnrated: true },
    { stats: { viewCount: 12, skipCount: 1 }, isHighRated: false, isUnplayed: false, isUnrated: true },
  ])('%j', ({ stats, isHighRated, isUnplayed, isUnrated }) => {
    const fields = deriveTrackFields(stats, now);
    expect({ isHighRated: fields.isHighRated, isUnplayed: fields.isUnplayed, isUnrated: fields.isUnrated }).toEqual({
      isHighRated,
      isUnplayed,
      isUnrated,
    });
  });

  it.each([
    ['unrated, never played', { viewCount: 0, skipCount: 0 }, 0.3],
    ['10/10, never played', { userRating: 10, viewCount: 0, skipCount: 0 }, 0.6],
    ['0/10, never played', { userRating: 0, viewCount: 0, skipCount: 0 }, 0],
    [
      '10/10, 10 plays, played now',
      { userRating: 10, viewCount: 10, skipCount: 0, lastViewedAt: now },
      0.6 + 0.25 * (1 - Math.exp(-1)) + 0.15,
    ],
    [
      '10/10, 10 plays, 30 days ago',
      { userRating: 10, viewCount: 10, skipCount: 0, lastViewedAt: daysAgo(30) },
      0.6 + 0.25 * (1 - Math.exp(-1)) + 0.075,
    ],
    [
      '6/10, skipped as often as played',
      { userRating: 6, viewCount: 4, skipCount: 4 },
      (0.36 + 0.25 * (1 - Math.exp(-0.4))) * 0.75,
    ],
  ] as Array<[string, TrackStats, number]>)('qualityScore: %s', (_label, stats, expected) => {
    expect(qualityScore(stats, now)).toBeCloseTo(expected, 3);
  });

  it('rises with rating, plays and recency, falls with skips, and stays in 0-1', () => {
    const base: TrackStats = { userRating: 6, viewCount: 5, skipCount: 1, lastViewedAt: daysAgo(10) };
    const score = qualityScore(base, now);
    expect(qualityScore({ ...base, userRating: 8 }, now)).toBeGreaterThan(score);
    expect(qualityScore({ ...base, viewCount: 20 }, now)).toBeGreaterThan(score);
    expect(qualityScore({ ...base, lastViewedAt: daysAgo(1) }, now)).toBeGreaterThan(score);
    expect(qualityScore({ ...base, skipCount: 5 }, now)).toBeLessThan(score);

    const rng = new Rng(7);
    for (let i = 0; i < 2000; i += 1) {
      const stats: TrackStats = {
        userRating: rng.chance(0.3) ? null : rng.int(-2, 12),
        viewCount: rng.int(0, 5000),
        skipCount: rng.int(0, 500),
        lastViewedAt: rng.chance(0.2) ? null : daysAgo(rng.int(-5, 3000)),
      };
      const value = qualityScore(stats, now);
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThanOrEqual(1);
    }
  });
});
