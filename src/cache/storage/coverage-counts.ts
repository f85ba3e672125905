// The counts behind the coverage report. Raw SQL: each is one aggregate pass with FILTER clauses, or an
// unnest of jsonb raw tags grouped by tag, which Prisma's groupBy cannot express.
import type { Queryable } from '../../db/queryable.ts';

export type EntryTable = 'artist_cache' | 'album_cache';

export interface EntryCoverageCounts {
  total: number;
  withGenres: number;
  withMoods: number;
  /** Entries with at least one track that has audio features. */
  withAudioFeatures: number;
  /** No provider contributed (source is empty). */
  nobodyKnew: number;
  /** MusicBrainz found several artists of the name and nothing told them apart. */
  ambiguous: number;
  bySource: Array<{ source: string; entries: number }>;
}

// MusicBrainz's "cannot say" reason for namesakes starts with this word (src/enrichment/provider-fetchers.ts).
const AMBIGUOUS = `raw_tags->'musicbrainz'->>'outcome' = 'cannot-say' AND raw_tags->'musicbrainz'->>'reason' LIKE 'ambiguous:%'`;

const TRACKS_WITH_FEATURES: Record<EntryTable, string> = {
  artist_cache: `EXISTS (SELECT 1 FROM track_cache t JOIN audio_features f ON f.track_rating_key = t.rating_key
                          WHERE t.artist_key = e.name_key)`,
  album_cache: `EXISTS (SELECT 1 FROM track_cache t JOIN audio_features f ON f.track_rating_key = t.rating_key
                         WHERE t.artist_key = e.artist_key AND t.album_key = e.title_key)`,
};

export async function countEntryCoverage(db: Queryable, table: EntryTable): Promise<EntryCoverageCounts> {
  const [totals, sources] = await Promise.all([
    db.query<Omit<EntryCoverageCounts, 'bySource'>>(
      `SELECT count(*)::int AS "total",
              count(*) FILTER (WHERE cardinality(genres) > 0)::int AS "withGenres",
              count(*) FILTER (WHERE cardinality(moods) > 0)::int AS "withMoods",
              count(*) FILTER (WHERE ${TRACKS_WITH_FEATURES[table]})::int AS "withAudioFeatures",
              count(*) FILTER (WHERE cardinality(source) = 0)::int AS "nobodyKnew",
              count(*) FILTER (WHERE ${AMBIGUOUS})::int AS "ambiguous"
         FROM ${table} e`,
    ),
    db.query<{ source: string; entries: number }>(
      `SELECT s AS source, count(*)::int AS entries FROM ${table}, unnest(source) AS s
        GROUP BY s ORDER BY entries DESC, s`,
    ),
  ]);
  const row = totals.rows[0];
  if (!row) throw new Error(`no coverage counts from ${table}`);
  return { ...row, bySource: sources.rows };
}

/** A few of the artists MusicBrainz could not tell apart, by name. */
export async function ambiguousArtistNames(db: Queryable, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT name FROM artist_cache WHERE ${AMBIGUOUS} ORDER BY name_key LIMIT $1`,
    [limit],
  );
  return rows.map((row) => row.name);
}

export interface TrackCoverageCounts {
  total: number;
  withGenres: number;
  withMoods: number;
  /** Genres or moods. */
  withTags: number;
  withAudioFeatures: number;
  /** No genres, no moods and no audio features. */
  nobodyKnew: number;
}

export async function countTrackCoverage(db: Queryable): Promise<TrackCoverageCounts> {
  const { rows } = await db.query<TrackCoverageCounts>(
    `SELECT count(*)::int AS "total",
            count(*) FILTER (WHERE cardinality(t.genres) > 0)::int AS "withGenres",
            count(*) FILTER (WHERE cardinality(t.moods) > 0)::int AS "withMoods",
            count(*) FILTER (WHERE cardinality(t.genres) > 0 OR cardinality(t.moods) > 0)::int AS "withTags",
            count(f.track_rating_key)::int AS "withAudioFeatures",
            count(*) FILTER (WHERE cardinality(t.genres) = 0 AND cardinality(t.moods) = 0
                              AND f.track_rating_key IS NULL)::int AS "nobodyKnew"
       FROM track_cache t LEFT JOIN audio_features f ON f.track_rating_key = t.rating_key`,
  );
  const row = rows[0];
  if (!row) throw new Error('no coverage counts from track_cache');
  return row;
}

export interface RawTagCount {
  /** The tag as providers wrote it, trimmed and lower-cased. */
  tag: string;
  /** Entries of the table carrying it in a genre or style list. */
  entries: number;
  providers: string[];
}

/** Every genre and style tag in the table's raw tags, with how many entries carry it. */
export async function countRawGenreTags(db: Queryable, table: EntryTable): Promise<RawTagCount[]> {
  const { rows } = await db.query<RawTagCount>(
    `SELECT lower(btrim(tag->>'name')) AS tag, count(DISTINCT e.id)::int AS entries,
            array_agg(DISTINCT provider.key ORDER BY provider.key) AS providers
       FROM ${table} e
       CROSS JOIN LATERAL jsonb_each(CASE WHEN jsonb_typeof(e.raw_tags) = 'object' THEN e.raw_tags ELSE '{}' END) AS provider
       CROSS JOIN LATERAL jsonb_array_elements(
              CASE WHEN jsonb_typeof(provider.value->'genres') = 'array' THEN provider.value->'genres' ELSE '[]' END
           || CASE WHEN jsonb_typeof(provider.value->'styles') = 'array' THEN provider.value->'styles' ELSE '[]' END) AS tag
      WHERE jsonb_typeof(tag->'name') = 'string'
      GROUP BY 1`,
  );
  return rows;
}
