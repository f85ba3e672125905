import type { Queryable } from '../../db/queryable.ts';
import type { UsageRecord } from '../usage-recorder.ts';

/**
 * Adds a batch of recorded reads to artist_cache in one statement; keys without an entry are skipped.
 * Repeated keys are merged first (PostgreSQL would apply only one of them). `updated_at` is left alone:
 * it dates the entry's content, and usage is not content.
 */
export async function recordArtistUsage(db: Queryable, batch: readonly UsageRecord<string>[]): Promise<number> {
  if (batch.length === 0) return 0;
  const result = await db.query(
    `UPDATE artist_cache AS a
        SET last_used_at = GREATEST(a.last_used_at, u.used_at), use_count = a.use_count + u.uses
       FROM (SELECT key, max(used_at) AS used_at, sum(uses)::integer AS uses
               FROM unnest($1::text[], $2::timestamptz[], $3::integer[]) AS r(key, used_at, uses)
              GROUP BY key) AS u
      WHERE a.name_key = u.key`,
    [batch.map((record) => record.key), batch.map((record) => record.lastUsedAt), batch.map((record) => record.uses)],
  );
  return result.rowCount ?? 0;
}
