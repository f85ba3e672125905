-- Genre and source filters that an index can answer. A listing filtered by genre asked
-- `EXISTS (… unnest(genres) … lower(g) = lower($1))` of every row, which no index serves; by source,
-- `$1 = ANY(string_to_array(source, ','))`, the same. Each table now keeps the normalised keys as arrays,
-- generated from the columns they come from (so every writer keeps them right without knowing), with a
-- GIN index each, and the filters ask `genre_keys @> ARRAY[lower($1)]` and `source_keys @> ARRAY[$1]`.
-- The `source` column stays as it is: the API answers it as stored (`plex,lastfm`).
-- The GIN index on the display genres served no query and is dropped (the filters use the keys).

-- A genre's key: lower case, as the filter has always compared; each key once.
CREATE FUNCTION "cache_genre_keys"(genres TEXT[]) RETURNS TEXT[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT lower(g)), '{}') FROM unnest(genres) AS g WHERE g IS NOT NULL
$$;

-- Adding a stored generated column rewrites the table, which fills the keys of every existing row.
ALTER TABLE "artist_cache"
    ADD COLUMN "genre_keys" TEXT[] GENERATED ALWAYS AS (cache_genre_keys(genres)) STORED,
    ADD COLUMN "source_keys" TEXT[] GENERATED ALWAYS AS (string_to_array(source, ',')) STORED;
ALTER TABLE "album_cache"
    ADD COLUMN "genre_keys" TEXT[] GENERATED ALWAYS AS (cache_genre_keys(genres)) STORED,
    ADD COLUMN "source_keys" TEXT[] GENERATED ALWAYS AS (string_to_array(source, ',')) STORED;

DROP INDEX "artist_cache_genres_idx";
DROP INDEX "album_cache_genres_idx";
CREATE INDEX "artist_cache_genre_keys_idx" ON "artist_cache" USING GIN ("genre_keys");
CREATE INDEX "artist_cache_source_keys_idx" ON "artist_cache" USING GIN ("source_keys");
CREATE INDEX "album_cache_genre_keys_idx" ON "album_cache" USING GIN ("genre_keys");
CREATE INDEX "album_cache_source_keys_idx" ON "album_cache" USING GIN ("source_keys");
