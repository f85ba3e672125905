import type { Queryable } from '../../db/queryable.ts';

// Enough titles to recognise an artist among namesakes; a discography is rarely longer.
const MAX_TITLES = 200;

/** The album titles the cache knows for an artist, from its albums and from its tracks' album titles. */
export async function findAlbumTitlesOfArtist(db: Queryable, artistKey: string): Promise<string[]> {
  const { rows } = await db.query<{ title: string }>(
    `SELECT title FROM album_cache WHERE artist_key = $1
      UNION
     SELECT album_title FROM track_cache WHERE artist_key = $1 AND album_title IS NOT NULL
      LIMIT $2`,
    [artistKey, MAX_TITLES],
  );
  return rows.map((row) => row.title);
}
