import type { Queryable } from '../../db/queryable.ts';
import { ALBUM_COLUMNS, type AlbumRow } from './album-row.ts';

/** Every stored album of these artists, by artist key, in title-key order: one query for a whole page of artists. */
export async function getAlbumsByArtistKeys(
  db: Queryable,
  artistKeys: readonly string[],
): Promise<Map<string, AlbumRow[]>> {
  const result = new Map<string, AlbumRow[]>(artistKeys.map((key) => [key, []]));
  if (artistKeys.length === 0) return result;
  const { rows } = await db.query<AlbumRow>(
    `SELECT ${ALBUM_COLUMNS} FROM album_cache WHERE artist_key = ANY($1::text[]) ORDER BY artist_key, title_key`,
    [artistKeys],
  );
  for (const row of rows) result.get(row.artistKey)?.push(row);
  return result;
}
