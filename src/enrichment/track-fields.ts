// Track-level fields: genres borrowed from the album and artist entries, and the derived fields that
// playlist generators filter on. One rating scale throughout: Plex's 0-10 (five stars, halves allowed).
import { normaliseGenreList, type MergeSettings } from './genre-merge.ts';

export interface TrackGenreSources {
  /** The album's cache entry genres, when the album has an entry. */
  albumGenres?: readonly string[];
  /** The artist's cache entry genres, when the artist has an entry. */
  artistGenres?: readonly string[];
  /** The track's own Plex Genre tags. */
  trackGenres: readonly string[];
}

export type TrackGenreOrigin = 'album' | 'artist' | 'track' | 'none';

/** Album entry first, then artist entry, then the track's own Plex tags (normalised like every other genre). */
export function resolveTrackGenres(
  sources: TrackGenreSources,
  settings: MergeSettings,
): { genres: string[]; from: TrackGenreOrigin } {
  if (sources.albumGenres && sources.albumGenres.length > 0) return { genres: [...sources.albumGenres], from: 'album' };
  if (sources.artistGenres && sources.artistGenres.length > 0)
    return { genres: [...sources.artistGenres], from: 'artist' };
  const own = normaliseGenreList(sources.trackGenres, settings);
  return own.length > 0 ? { genres: own, from: 'track' } : { genres: [], from: 'none' };
}

export interface TrackStats {
  /** Plex's 0-10 scale; absent (undefined or null) when the track is unrated. 0 is a rating. */
  userRating?: number | null;
  viewCount: number;
  skipCount: number;
  lastViewedAt?: Date | null;
}

export interface DerivedTrackFields {
  qualityScore: number;
  isHighRated: boolean;
  isUnplayed: boolean;
  isUnrated: boolean;
}

/** Plex 0-10: 8 is four stars. */
const HIGH_RATING = 8;

/**
 * qualityScore, in 0-1:
 *   (0.6 × rating + 0.25 × plays + 0.15 × recency) × (1 − 0.5 × skipShare)
 * rating   = userRating / 10, or 0.5 (neutral) when unrated, so an unrated track ranks with a 5/10 one
 *            rather than below a track rated 1/10;
 * plays    = 1 − e^(−viewCount / 10): the 10th play adds more than the 50th (10 plays ≈ 0.63, 30 ≈ 0.95);
 * recency  = 2^(−daysSinceLastPlayed / 30): a 30-day half-life, 0 when never played;
 * skipShare = skipCount / (viewCount + skipCount): a track skipped as often as played loses a quarter.
 * Rating dominates because it is the listener's explicit judgement; plays and recency separate the rest.
 */
const QUALITY_WEIGHTS = { rating: 0.6, plays: 0.25, recency: 0.15 } as const;
const UNRATED_RATING = 0.5;
const PLAYS_SCALE = 10;
const RECENCY_HALF_LIFE_DAYS = 30;
const SKIP_PENALTY = 0.5;

const DAY_MS = 86_400_000;

function clamp01(value: number): number {
  return Math.min(1, Math.max(0, value));
}

function isRated(stats: TrackStats): stats is TrackStats & { userRating: number } {
  return stats.userRating !== undefined && stats.userRating !== null && Number.isFinite(stats.userRating);
}

export function qualityScore(stats: TrackStats, now: Date): number {
  const views = Math.max(0, stats.viewCount);
  const skips = Math.max(0, stats.skipCount);
  const rating = isRated(stats) ? clamp01(stats.userRating / 10) : UNRATED_RATING;
  const plays = 1 - Math.exp(-views / PLAYS_SCALE);
  let recency = 0;
  if (stats.lastViewedAt) {
    // A clock ahead of the server's makes a future lastViewedAt; it counts as "just now".
    const days = Math.max(0, (now.getTime() - stats.lastViewedAt.getTime()) / DAY_MS);
    recency = 2 ** (-days / RECENCY_HALF_LIFE_DAYS);
  }
  const skipShare = views + skips > 0 ? skips / (views + skips) : 0;
  const base = QUALITY_WEIGHTS.rating * rating + QUALITY_WEIGHTS.plays * plays + QUALITY_WEIGHTS.recency * recency;
  return Math.round(clamp01(base * (1 - SKIP_PENALTY * skipShare)) * 10_000) / 10_000;
}

export function deriveTrackFields(stats: TrackStats, now: Date): DerivedTrackFields {
  const rated = isRated(stats);
  return {
    qualityScore: qualityScore(stats, now),
    isHighRated: rated && stats.userRating >= HIGH_RATING,
    isUnplayed: stats.viewCount <= 0,
    isUnrated: !rated,
  };
}
