import { normaliseNameKey } from '../../enrichment/text-keys.ts';
import { addExpiryConditions, addTierCondition } from '../listing/entry-filter.ts';
import { likeContains, type SqlConditions } from '../listing/sql-conditions.ts';
import type { TierSettings } from '../tiers.ts';
import type { UsageTier } from '../../types.ts';

export interface TrackFilter {
  /** Part of the title, artist or album (case- and accent-insensitive on the artist and album keys). */
  search?: string | null;
  /** Tracks of this artist (compared by normalised name). */
  artist?: string | null;
  /** Tracks of this album (with `artist`, of that artist's album; compared by normalised title). */
  album?: string | null;
  /** One genre of the track's own Plex tags, case-insensitive. */
  genre?: string | null;
  tier?: UsageTier | null;
  /** Static tier not yet expired, but expiring within this many days. */
  expiringWithinDays?: number | null;
  /** true: only tracks whose stats tier has expired; false: only fresh stats. */
  statsExpired?: boolean | null;
  /** true: only tracks whose static tier has expired; false: only fresh static data. */
  staticExpired?: boolean | null;
  /** true: only tracks with AudioMuse features; false: only tracks without. */
  hasAudioFeatures?: boolean | null;
}

export function addTrackFilter(
  sql: SqlConditions,
  filter: TrackFilter,
  context: { now: Date; tiers: TierSettings },
): void {
  if (filter.search !== undefined && filter.search !== null) {
    const key = normaliseNameKey(filter.search);
    if (key === null) sql.add('false');
    else {
      const keyPattern = sql.param(likeContains(key));
      const textPattern = sql.param(likeContains(filter.search.trim()));
      sql.add(
        `(title ILIKE ${textPattern} ESCAPE '\\' OR artist_key LIKE ${keyPattern} ESCAPE '\\' OR album_key LIKE ${keyPattern} ESCAPE '\\')`,
      );
    }
  }
  if (filter.artist !== undefined && filter.artist !== null) {
    const key = normaliseNameKey(filter.artist);
    sql.add(key === null ? 'false' : `artist_key = ${sql.param(key)}`);
  }
  if (filter.album !== undefined && filter.album !== null) {
    const key = normaliseNameKey(filter.album);
    sql.add(key === null ? 'false' : `album_key = ${sql.param(key)}`);
  }
  if (filter.genre !== undefined && filter.genre !== null) {
    sql.add(
      `EXISTS (SELECT 1 FROM unnest(genres) AS g(genre) WHERE lower(g.genre) = lower(${sql.param(filter.genre.trim())}))`,
    );
  }
  addTierCondition(sql, 'last_used_at', filter.tier, context);
  addExpiryConditions(
    sql,
    'static_expires_at',
    { expiringWithinDays: filter.expiringWithinDays, expired: filter.staticExpired },
    context.now,
  );
  addExpiryConditions(sql, 'stats_expires_at', { expired: filter.statsExpired }, context.now);
  if (filter.hasAudioFeatures === true || filter.hasAudioFeatures === false) {
    sql.add(
      `${filter.hasAudioFeatures ? '' : 'NOT '}EXISTS (SELECT 1 FROM audio_features f WHERE f.track_rating_key = track_cache.rating_key AND f.audiomuse_item_id IS NOT NULL)`,
    );
  }
}
