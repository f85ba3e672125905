import { normaliseNameKey } from '../../enrichment/text-keys.ts';
import { addEntryFilter, type EntryFilter } from '../listing/entry-filter.ts';
import type { SqlConditions } from '../listing/sql-conditions.ts';
import type { TierSettings } from '../tiers.ts';

export interface AlbumFilter extends EntryFilter {
  /** Albums of this artist (compared by normalised name). */
  artist?: string | null;
}

/** The entry filters (a search looks in the artist and the title) plus the album's artist. */
export function addAlbumFilter(
  sql: SqlConditions,
  filter: AlbumFilter,
  context: { now: Date; tiers: TierSettings },
): void {
  addEntryFilter(sql, filter, { ...context, keyColumns: ['title_key', 'artist_key'] });
  if (filter.artist !== undefined && filter.artist !== null) {
    const key = normaliseNameKey(filter.artist);
    sql.add(key === null ? 'false' : `artist_key = ${sql.param(key)}`);
  }
}
