import type { Queryable } from '../../db/queryable.ts';
import { ALBUM_COLUMNS, type AlbumKey, type AlbumRow, albumKeyString } from './album-row.ts';

/** The stored entries of these albums, expired ones included, keyed by albumKeyString. */
export async function getAlbumsByKeys(db: Queryable, keys: readonly AlbumKey[]): Promise<Map<string, AlbumRow>> {
  if (keys.length === 0) return new Map();
  const { rows } = await db.query<AlbumRow>(
    `SELECT ${ALBUM_COLUMNS} FROM album_cache
      WHERE (artist_key, title_key) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
    [keys.map((key) => key.artistKey), keys.map((key) => key.titleKey)],
  );
  return new Map(rows.map((row) => [albumKeyString(row), row]));
}
