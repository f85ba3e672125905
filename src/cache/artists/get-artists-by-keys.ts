import type { Queryable } from '../../db/queryable.ts';
import { ARTIST_COLUMNS, type ArtistRow } from './artist-row.ts';

/** The stored entries of these name keys, expired ones included, keyed by name key. */
export async function getArtistsByKeys(db: Queryable, nameKeys: readonly string[]): Promise<Map<string, ArtistRow>> {
  if (nameKeys.length === 0) return new Map();
  const { rows } = await db.query<ArtistRow>(
    `SELECT ${ARTIST_COLUMNS} FROM artist_cache WHERE name_key = ANY($1::text[])`,
    [nameKeys],
  );
  return new Map(rows.map((row) => [row.nameKey, row]));
}
