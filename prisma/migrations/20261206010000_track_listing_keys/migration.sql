-- The track listing through Prisma's query API. Its order put missing album keys, disc and track numbers
-- first by COALESCE expressions, which Prisma's orderBy cannot say, and its genre filter looked inside the
-- genres array case-insensitively, which no index served. Both are now stored generated columns (every
-- writer keeps them right without knowing): the COALESCEd sort keys, with one unique B-tree index in the
-- listing's order (unique because it ends with the primary key, so it is also the listing's cursor), and
-- the lower-cased genre keys, with a GIN index the filter's `genre_keys @> ARRAY[$1]` uses.

-- Adding a stored generated column rewrites the table, which fills the keys of every existing row.
ALTER TABLE "track_cache"
    ADD COLUMN "genre_keys" TEXT[] GENERATED ALWAYS AS (cache_genre_keys(genres)) STORED,
    ADD COLUMN "album_sort_key" TEXT NOT NULL GENERATED ALWAYS AS (COALESCE(album_key, '')) STORED,
    ADD COLUMN "disc_sort" INTEGER NOT NULL GENERATED ALWAYS AS (COALESCE(disc_number, 0)) STORED,
    ADD COLUMN "track_sort" INTEGER NOT NULL GENERATED ALWAYS AS (COALESCE(track_number, 0)) STORED;

CREATE INDEX "track_cache_genre_keys_idx" ON "track_cache" USING GIN ("genre_keys");
CREATE UNIQUE INDEX "track_cache_listing_order_key"
    ON "track_cache" ("artist_key", "album_sort_key", "disc_sort", "track_sort", "rating_key");
-- The listing index starts with artist_key, so it serves everything the artist_key index did.
DROP INDEX "track_cache_artist_key_idx";
