import type { Queryable } from '../../db/queryable.ts';

/** After a complete Plex listing: tracks it did not see are gone from Plex (their audio features go too). */
export async function removeUnseenTracks(db: Queryable, listingStartedAt: Date): Promise<number> {
  const result = await db.query('DELETE FROM track_cache WHERE plex_seen_at < $1', [listingStartedAt]);
  return result.rowCount ?? 0;
}
