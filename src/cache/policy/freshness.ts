// When an entry counts as expired, and what a read of it was: the one definition every reader uses (the
// API's isExpired flags, the hit rate, the lookups).
import type { TrackCache } from '../../generated/prisma/client.ts';

/** hit: a fresh entry; stale: an expired entry, served flagged; miss: no entry. */
export type ReadOutcome = 'hit' | 'stale' | 'miss';

/** An entry has expired once its expiry is now or past. */
export function isExpired(expiresAt: Date, now: Date): boolean {
  return expiresAt <= now;
}

/** What a read found: no entry, an expired one, or a fresh one. */
export function readOutcome(expiresAt: Date | null | undefined, now: Date): ReadOutcome {
  if (expiresAt === null || expiresAt === undefined) return 'miss';
  return isExpired(expiresAt, now) ? 'stale' : 'hit';
}

/**
 * A track expires with the earlier of its two tiers: static (metadata, months) and statistics (plays,
 * a day). An expired track is still served, flagged; clearing expired tracks is a different rule (see
 * clear-cache.ts), since the statistics tier expires every day by design.
 */
export function trackExpiresAt(track: Pick<TrackCache, 'staticExpiresAt' | 'statsExpiresAt'>): Date {
  return earlier(track.staticExpiresAt, track.statsExpiresAt);
}

/** The older of a track's two tiers' fetch times. */
export function trackFetchedAt(track: Pick<TrackCache, 'staticFetchedAt' | 'statsFetchedAt'>): Date {
  return earlier(track.staticFetchedAt, track.statsFetchedAt);
}

function earlier(a: Date, b: Date): Date {
  return new Date(Math.min(a.getTime(), b.getTime()));
}
