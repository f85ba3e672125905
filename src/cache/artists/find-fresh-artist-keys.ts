import type { Queryable } from '../../db/queryable.ts';

/** Which of these name keys have an entry that has not expired: one query for a whole page. */
export async function findFreshArtistKeys(db: Queryable, nameKeys: readonly string[], now: Date): Promise<Set<string>> {
  if (nameKeys.length === 0) return new Set();
  const { rows } = await db.query<{ name_key: string }>(
    'SELECT name_key FROM artist_cache WHERE name_key = ANY($1::text[]) AND expires_at > $2',
    [nameKeys, now],
  );
  return new Set(rows.map((row) => row.name_key));
}
