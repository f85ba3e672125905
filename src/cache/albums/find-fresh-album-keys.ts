import type { Queryable } from '../../db/queryable.ts';
import { type AlbumKey, albumKeyString } from './album-row.ts';

/** Which of these albums have an entry that has not expired (as albumKeyString values): one query. */
export async function findFreshAlbumKeys(db: Queryable, keys: readonly AlbumKey[], now: Date): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const { rows } = await db.query<AlbumKey>(
    `SELECT artist_key AS "artistKey", title_key AS "titleKey" FROM album_cache
      WHERE (artist_key, title_key) IN (SELECT * FROM unnest($1::text[], $2::text[])) AND expires_at > $3`,
    [keys.map((key) => key.artistKey), keys.map((key) => key.titleKey), now],
  );
  return new Set(rows.map(albumKeyString));
}
