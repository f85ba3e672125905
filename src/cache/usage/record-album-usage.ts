import type { Queryable } from '../../db/queryable.ts';
import type { AlbumKey } from '../albums/album-row.ts';
import type { UsageRecord } from '../usage-recorder.ts';

export type AlbumUsageRecord = Omit<UsageRecord<string>, 'key'> & { key: AlbumKey };

/** As recordArtistUsage, for album_cache keyed by (artist_key, title_key). */
export async function recordAlbumUsage(db: Queryable, batch: readonly AlbumUsageRecord[]): Promise<number> {
  if (batch.length === 0) return 0;
  const result = await db.query(
    `UPDATE album_cache AS a
        SET last_used_at = GREATEST(a.last_used_at, u.used_at), use_count = a.use_count + u.uses
       FROM (SELECT artist_key, title_key, max(used_at) AS used_at, sum(uses)::integer AS uses
               FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::integer[]) AS r(artist_key, title_key, used_at, uses)
              GROUP BY artist_key, title_key) AS u
      WHERE a.artist_key = u.artist_key AND a.title_key = u.title_key`,
    [
      batch.map((record) => record.key.artistKey),
      batch.map((record) => record.key.titleKey),
      batch.map((record) => record.lastUsedAt),
      batch.map((record) => record.uses),
    ],
  );
  return result.rowCount ?? 0;
}
