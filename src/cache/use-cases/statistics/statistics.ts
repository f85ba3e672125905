// The shape of the cache statistics (what the API's `cacheStats` answers). Conventions for every table:
//   fresh + expired = total; expiringSoon counts the fresh entries that expire within
//   REFRESH_LOOKAHEAD_DAYS (a subset of fresh, the same window the refresh job looks at);
//   byTier.hot + warm + cold = total, with the tiers of src/cache/policy/tiers.ts (never used = cold).
import type { EntryStatus, UsageTier } from '../../../types.ts';

export interface Freshness {
  /** Not yet expired (`expires_at > now`), as the cache reads judge it. */
  fresh: number;
  /** Fresh, but expiring within the refresh lookahead. */
  expiringSoon: number;
  /** `expires_at <= now`: still served, flagged expired. */
  expired: number;
}

export interface SourceCount {
  /** The `source` column as stored, e.g. `plex,lastfm` or `none`. */
  source: string;
  count: number;
}

export interface GenreCount {
  genre: string;
  /** Entries that carry the genre. */
  count: number;
}

export interface EntryTableStatistics extends Freshness {
  total: number;
  byTier: Record<UsageTier, number>;
  byStatus: Record<EntryStatus, number>;
  /** Every source value present, most common first. */
  bySource: SourceCount[];
  /** The most common genres, most common first (ties by name). */
  topGenres: GenreCount[];
}

/**
 * Tracks have no `source` (everything comes from Plex) and no status, genres are the album's. Their
 * top-level freshness is the static tier's (the 90-day TTL, like artists and albums); the stats tier is
 * reported on its own, without `expiringSoon`: with its 24-hour TTL every fresh entry is due within the
 * lookahead, so that figure would only repeat `fresh`.
 */
export interface TrackTableStatistics extends Freshness {
  total: number;
  statsTier: Omit<Freshness, 'expiringSoon'>;
  byTier: Record<UsageTier, number>;
}

export interface CacheStatistics {
  /** The `now` the figures were computed at. */
  at: Date;
  artists: EntryTableStatistics;
  albums: EntryTableStatistics;
  tracks: TrackTableStatistics;
}
