import type { Queryable } from '../../db/queryable.ts';
import { type AlbumKey, albumKeyString } from '../albums/album-row.ts';
import { TRACK_COLUMNS, TRACK_ORDER_COLUMNS, type TrackRow } from './track-row.ts';

/** The tracks of these albums in disc and track order, by albumKeyString: one query for a whole page of albums. */
export async function getTracksByAlbumKeys(db: Queryable, keys: readonly AlbumKey[]): Promise<Map<string, TrackRow[]>> {
  const result = new Map<string, TrackRow[]>(keys.map((key) => [albumKeyString(key), []]));
  if (keys.length === 0) return result;
  const { rows } = await db.query<TrackRow>(
    `SELECT ${TRACK_COLUMNS} FROM track_cache
      WHERE (artist_key, album_key) IN (SELECT * FROM unnest($1::text[], $2::text[]))
      ORDER BY ${TRACK_ORDER_COLUMNS}`,
    [keys.map((key) => key.artistKey), keys.map((key) => key.titleKey)],
  );
  for (const row of rows) {
    if (row.albumKey !== null)
      result.get(albumKeyString({ artistKey: row.artistKey, titleKey: row.albumKey }))?.push(row);
  }
  return result;
}
