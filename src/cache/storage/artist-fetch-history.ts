// What the stored artists' raw tags say about their last fetch, counted per combination: which fallback
// providers were asked, whether Plex had genres, whether Plex knew the MusicBrainz id, whether the entry
// has expired. Raw SQL: it counts by jsonb key presence and array length, which Prisma's JSON filters
// cannot group by; one pass over the table answers a handful of rows instead of every entry's raw tags.
import type { Queryable } from '../../db/queryable.ts';

export interface ArtistFetchGroup {
  /** How MusicBrainz answered the last fetch (its raw record's outcome); null when it was not asked. */
  musicbrainz: string | null;
  /** The last fetch sent Spotify a search (a record saying Spotify gives no genres at all was no request). */
  spotify: boolean;
  /** Plex's tags had genres or styles. */
  plexGenres: boolean;
  /** Plex knew the artist's MusicBrainz id. */
  musicbrainzId: boolean;
  /** The entry has expired (as of the `now` given). */
  expired: boolean;
  entries: number;
}

export async function countArtistFetchGroups(db: Queryable, now: Date): Promise<ArtistFetchGroup[]> {
  const { rows } = await db.query<ArtistFetchGroup>(
    `SELECT CASE WHEN raw_tags ? 'musicbrainz' THEN coalesce(raw_tags -> 'musicbrainz' ->> 'outcome', 'answered') END
              AS musicbrainz,
            (raw_tags ? 'spotify' AND coalesce(raw_tags -> 'spotify' ->> 'reason', '') <> 'genres-unavailable') AS spotify,
            (jsonb_typeof(raw_tags -> 'plex' -> 'genres') = 'array' AND jsonb_array_length(raw_tags -> 'plex' -> 'genres') > 0)
              OR (jsonb_typeof(raw_tags -> 'plex' -> 'styles') = 'array' AND jsonb_array_length(raw_tags -> 'plex' -> 'styles') > 0)
              AS "plexGenres",
            musicbrainz_id IS NOT NULL AS "musicbrainzId",
            expires_at <= $1 AS expired,
            count(*)::int AS entries
       FROM artist_cache
      GROUP BY 1, 2, 3, 4, 5`,
    [now],
  );
  // A NULL from the jsonb tests (no plex record at all) is "no genres".
  return rows.map((row) => ({ ...row, plexGenres: row.plexGenres === true }));
}
