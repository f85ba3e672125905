// The filters shared by the artist and album listings, turned into SQL over the columns both tables
// have (genres, source, status, expires_at, last_used_at). Time-dependent filters (tier, expiry) take
// `now` as a parameter: the clock is a dependency.
import { normaliseNameKey } from '../../enrichment/text-keys.ts';
import type { EntryStatus, UsageTier } from '../../types.ts';
import { type TierSettings, tierBounds } from '../policy/tiers.ts';
import { likeContains, type SqlConditions } from './sql-conditions.ts';

/** A value of the `source` column's comma-joined list (contract order plex,lastfm,musicbrainz,spotify; albums add artist). */
export type EntrySourceName = 'plex' | 'lastfm' | 'musicbrainz' | 'spotify' | 'artist' | 'none';

export interface EntryFilter {
  /** Part of the name, compared by its normalised key (`björk` finds `Björk`). */
  search?: string | null;
  /** One genre, case-insensitive. */
  genre?: string | null;
  /** Entries this provider contributed to (`none`: entries nobody knew). */
  source?: EntrySourceName | null;
  tier?: UsageTier | null;
  /** Not yet expired, but expiring within this many days. */
  expiringWithinDays?: number | null;
  /** true: only expired entries; false: only fresh ones. */
  expired?: boolean | null;
  status?: EntryStatus | null;
}

const DAY_MS = 86_400_000;

/**
 * Adds the filter's conditions. `keyColumns` are the normalised-key columns a search looks in. A search
 * with nothing to key by (only spaces) matches nothing rather than everything.
 */
export function addEntryFilter(
  sql: SqlConditions,
  filter: EntryFilter,
  context: { now: Date; tiers: TierSettings; keyColumns: readonly string[] },
): void {
  if (filter.search !== undefined && filter.search !== null) {
    const key = normaliseNameKey(filter.search);
    if (key === null) sql.add('false');
    else {
      const pattern = sql.param(likeContains(key));
      sql.add(`(${context.keyColumns.map((column) => `${column} LIKE ${pattern} ESCAPE '\\'`).join(' OR ')})`);
    }
  }
  // genre_keys and source_keys are arrays PostgreSQL generates from genres (lower-cased) and source (split
  // at commas), each with a GIN index that answers `@>`: a filtered page reads the matching rows only.
  if (filter.genre !== undefined && filter.genre !== null) {
    sql.add(`genre_keys @> ARRAY[lower(${sql.param(filter.genre.trim())}::text)]`);
  }
  if (filter.source !== undefined && filter.source !== null) {
    sql.add(`source_keys @> ARRAY[${sql.param(filter.source)}::text]`);
  }
  if (filter.status !== undefined && filter.status !== null) {
    sql.add(`status = ${sql.param(filter.status)}::entry_status`);
  }
  addTierCondition(sql, 'last_used_at', filter.tier, context);
  addExpiryConditions(sql, 'expires_at', filter, context.now);
}

export function addTierCondition(
  sql: SqlConditions,
  column: string,
  tier: UsageTier | null | undefined,
  context: { now: Date; tiers: TierSettings },
): void {
  if (tier === undefined || tier === null) return;
  const bounds = tierBounds(context.now, context.tiers);
  // The same bounds as classifyTier: hot ≥ hotSince > warm ≥ warmSince > cold (or never used).
  if (tier === 'hot') sql.add(`${column} >= ${sql.param(bounds.hotSince)}`);
  else if (tier === 'warm')
    sql.add(`(${column} >= ${sql.param(bounds.warmSince)} AND ${column} < ${sql.param(bounds.hotSince)})`);
  else sql.add(`(${column} IS NULL OR ${column} < ${sql.param(bounds.warmSince)})`);
}

export function addExpiryConditions(
  sql: SqlConditions,
  column: string,
  filter: { expiringWithinDays?: number | null; expired?: boolean | null },
  now: Date,
): void {
  if (filter.expiringWithinDays !== undefined && filter.expiringWithinDays !== null) {
    const until = new Date(now.getTime() + filter.expiringWithinDays * DAY_MS);
    sql.add(`(${column} > ${sql.param(now)} AND ${column} <= ${sql.param(until)})`);
  }
  if (filter.expired === true) sql.add(`${column} <= ${sql.param(now)}`);
  if (filter.expired === false) sql.add(`${column} > ${sql.param(now)}`);
}
