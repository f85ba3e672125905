import type { Queryable } from '../../db/queryable.ts';
import { ALBUM_COLUMNS, type AlbumRow } from '../albums/album-row.ts';
import { ARTIST_COLUMNS, type ArtistRow } from '../artists/artist-row.ts';
import type { SelectionParameters } from '../refresh-query.ts';

// Hot first, then warm, then (with REFRESH_COLD_ENTRIES) cold; each by soonest expiry.
const ORDER = `CASE WHEN last_used_at >= $2 THEN 0 WHEN last_used_at >= $3 THEN 1 ELSE 2 END, expires_at`;

export async function selectArtistsToRefresh(db: Queryable, parameters: SelectionParameters): Promise<ArtistRow[]> {
  const { rows } = await db.query<ArtistRow>(
    `SELECT ${ARTIST_COLUMNS} FROM artist_cache
      WHERE last_used_at >= $4 AND expires_at < $1
      ORDER BY ${ORDER} LIMIT $5`,
    [parameters.expiresBefore, parameters.hotSince, parameters.warmSince, parameters.eligibleSince, parameters.limit],
  );
  return rows;
}

export async function selectAlbumsToRefresh(db: Queryable, parameters: SelectionParameters): Promise<AlbumRow[]> {
  const { rows } = await db.query<AlbumRow>(
    `SELECT ${ALBUM_COLUMNS} FROM album_cache
      WHERE last_used_at >= $4 AND expires_at < $1
      ORDER BY ${ORDER} LIMIT $5`,
    [parameters.expiresBefore, parameters.hotSince, parameters.warmSince, parameters.eligibleSince, parameters.limit],
  );
  return rows;
}
