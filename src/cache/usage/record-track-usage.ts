import type { Queryable } from '../../db/queryable.ts';
import type { UsageRecord } from '../usage-recorder.ts';

/** As recordArtistUsage, for track_cache keyed by Plex ratingKey. */
export async function recordTrackUsage(db: Queryable, batch: readonly UsageRecord<string>[]): Promise<number> {
  if (batch.length === 0) return 0;
  const result = await db.query(
    `UPDATE track_cache AS t
        SET last_used_at = GREATEST(t.last_used_at, u.used_at), use_count = t.use_count + u.uses
       FROM (SELECT rating_key, max(used_at) AS used_at, sum(uses)::integer AS uses
               FROM unnest($1::text[], $2::timestamptz[], $3::integer[]) AS r(rating_key, used_at, uses)
              GROUP BY rating_key) AS u
      WHERE t.rating_key = u.rating_key`,
    [batch.map((record) => record.key), batch.map((record) => record.lastUsedAt), batch.map((record) => record.uses)],
  );
  return result.rowCount ?? 0;
}
