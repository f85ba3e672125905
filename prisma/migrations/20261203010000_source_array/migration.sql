-- `source` becomes the array of providers that contributed (`{plex,lastfm}`; empty when nobody knew), so
-- a source filter asks `source @> ARRAY['lastfm']` (or `source = '{}'`) of one GIN index. The generated
-- `source_keys` copy is no longer needed and goes. The API still answers the comma-joined text
-- (`plex,lastfm`, or `none`): cache_source_text below is that text, and the facet counters keep
-- counting by it, so their existing rows stay right without a recount.

-- The contract text of a source array: comma-joined in stored order, `none` when empty.
CREATE FUNCTION "cache_source_text"(sources TEXT[]) RETURNS TEXT
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(nullif(array_to_string(sources, ','), ''), 'none')
$$;

DROP INDEX "artist_cache_source_keys_idx";
DROP INDEX "album_cache_source_keys_idx";
DROP INDEX "artist_cache_source_idx";
DROP INDEX "album_cache_source_idx";

-- Changing the type rewrites each table once; triggers do not fire for the rewrite. Like every Prisma
-- scalar list (genres, styles, moods), the column is nullable; every writer writes an array.
ALTER TABLE "artist_cache"
    DROP COLUMN "source_keys",
    ALTER COLUMN "source" DROP DEFAULT,
    ALTER COLUMN "source" TYPE TEXT[] USING (CASE WHEN source = 'none' THEN '{}'::text[] ELSE string_to_array(source, ',') END),
    ALTER COLUMN "source" SET DEFAULT '{}',
    ALTER COLUMN "source" DROP NOT NULL;
ALTER TABLE "album_cache"
    DROP COLUMN "source_keys",
    ALTER COLUMN "source" DROP DEFAULT,
    ALTER COLUMN "source" TYPE TEXT[] USING (CASE WHEN source = 'none' THEN '{}'::text[] ELSE string_to_array(source, ',') END),
    ALTER COLUMN "source" SET DEFAULT '{}',
    ALTER COLUMN "source" DROP NOT NULL;

CREATE INDEX "artist_cache_source_idx" ON "artist_cache" USING GIN ("source");
CREATE INDEX "album_cache_source_idx" ON "album_cache" USING GIN ("source");

-- The counters' trigger function, as before but counting the source by its contract text.
CREATE OR REPLACE FUNCTION "cache_facet_counts_apply"() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    changed TEXT;
BEGIN
    changed := CASE TG_OP
        WHEN 'INSERT' THEN 'SELECT id, genres, source, status, 1 AS sign FROM new_rows'
        WHEN 'DELETE' THEN 'SELECT id, genres, source, status, -1 AS sign FROM old_rows'
        ELSE 'SELECT id, genres, source, status, 1 AS sign FROM new_rows
              UNION ALL SELECT id, genres, source, status, -1 AS sign FROM old_rows'
    END;
    EXECUTE format($sql$
        WITH changed AS (%s),
        deltas AS (
            SELECT 'status' AS facet, status::text AS value, sign FROM changed
            UNION ALL
            SELECT 'source', cache_source_text(source), sign FROM changed
            UNION ALL
            -- An entry counts once per genre even if its array repeats one.
            SELECT DISTINCT ON (id, sign, g.genre) 'genre', g.genre, sign
              FROM changed, unnest(changed.genres) AS g(genre)
             WHERE g.genre IS NOT NULL
        )
        INSERT INTO cache_facet_counts AS c (entity, facet, value, entries)
        SELECT $1, facet, value, sum(sign)::integer FROM deltas
         GROUP BY facet, value
        HAVING sum(sign) <> 0
         ORDER BY facet, value
        ON CONFLICT (entity, facet, value) DO UPDATE SET entries = c.entries + EXCLUDED.entries
    $sql$, changed) USING TG_ARGV[0];
    RETURN NULL;
END
$$;
