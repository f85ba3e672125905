// Expiry times. Every TTL is jittered at write time so that entries written together (a big warm) do not
// all expire in the same hour; the refresh planner smooths whatever clustering is left.
import type { Config } from '../../config.ts';
import { systemClock, type Clock, type EntryStatus } from '../../types.ts';

export interface TtlDependencies {
  /** Uniform in [0, 1). */
  random?: () => number;
  now?: Clock;
}

export type TtlSettings = Pick<
  Config['ttl'],
  'artistDays' | 'albumDays' | 'jitter' | 'negativeDays' | 'partialRetryHours'
>;
export type TrackTtlSettings = Pick<Config['ttl'], 'trackStaticDays' | 'trackStatsHours' | 'jitter'>;
export type CachedKind = 'artist' | 'album';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Repeated failures back off, but never past this many doublings of the retry time. */
const MAX_RETRY_DOUBLINGS = 5;

function draw(random: () => number): number {
  const value = random();
  if (!(value >= 0 && value < 1)) throw new RangeError(`random() must return a number in [0, 1), got ${value}`);
  return value;
}

/** A duration drawn uniformly in `base × (1 ± jitter)`. */
export function jitteredDurationMs(baseMs: number, jitter: number, random: () => number = Math.random): number {
  if (!(baseMs > 0) || !Number.isFinite(baseMs)) throw new RangeError(`base duration must be positive, got ${baseMs}`);
  if (!(jitter >= 0 && jitter < 1)) throw new RangeError(`jitter must be in [0, 1), got ${jitter}`);
  return baseMs * (1 + jitter * (2 * draw(random) - 1));
}

/** The expiry date of an entry written now with a TTL of `baseDays × (1 ± jitter)`, drawn uniformly. */
export function getJitteredTTL(baseDays: number, jitter: number, dependencies: TtlDependencies = {}): Date {
  const now = (dependencies.now ?? systemClock)();
  return new Date(now.getTime() + jitteredDurationMs(baseDays * DAY_MS, jitter, dependencies.random));
}

/**
 * Expiry by status. `ok`: the full TTL; `empty`: NEGATIVE_TTL_DAYS (nobody knew it; ask again later, not on
 * every warm); `partial` and `error`: PARTIAL_RETRY_HOURS, so the next refresh completes the entry, doubled
 * for each consecutive failed attempt (`attempt` 1 is the first) and never longer than the full TTL.
 */
export function entryExpiry(
  kind: CachedKind,
  status: EntryStatus,
  settings: TtlSettings,
  dependencies: TtlDependencies = {},
  attempt = 1,
): Date {
  const fullDays = kind === 'artist' ? settings.artistDays : settings.albumDays;
  switch (status) {
    case 'ok':
      return getJitteredTTL(fullDays, settings.jitter, dependencies);
    case 'empty':
      return getJitteredTTL(Math.min(settings.negativeDays, fullDays), settings.jitter, dependencies);
    case 'partial':
    case 'error': {
      const doublings = Math.min(Math.max(0, Math.floor(attempt) - 1), MAX_RETRY_DOUBLINGS);
      const retryDays = Math.min((settings.partialRetryHours * 2 ** doublings) / 24, fullDays);
      return getJitteredTTL(retryDays, settings.jitter, dependencies);
    }
  }
}

/** Static tier (title, numbers, duration...): jittered, since a library sync writes all tracks at once. */
export function trackStaticExpiry(settings: TrackTtlSettings, dependencies: TtlDependencies = {}): Date {
  return getJitteredTTL(settings.trackStaticDays, settings.jitter, dependencies);
}

/**
 * Stats tier (rating, plays, skips): not jittered. The daily stats job refreshes what is due before its
 * next run, and jitter would only push some tracks past that run.
 */
export function trackStatsExpiry(settings: TrackTtlSettings, dependencies: Pick<TtlDependencies, 'now'> = {}): Date {
  const now = (dependencies.now ?? systemClock)();
  return new Date(now.getTime() + settings.trackStatsHours * HOUR_MS);
}
