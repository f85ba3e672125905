-- Counts of artist and album entries by genre, source and status, kept by statement-level triggers, so
-- that cache statistics read a few hundred counter rows instead of unnesting the genres of every row.
-- Whatever depends on the clock (fresh, expiring, expired, usage tiers) cannot be kept this way and is
-- counted at read time by range scans over the existing expires_at and last_used_at indexes.

-- CreateTable
CREATE TABLE "cache_facet_counts" (
    "entity" TEXT NOT NULL,
    "facet" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "entries" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "cache_facet_counts_pkey" PRIMARY KEY ("entity","facet","value")
);

-- One function serves insert, update and delete on both tables (TG_ARGV[0] names the entity). The
-- changed rows come from the statement's transition tables, so a batch upsert costs one counter
-- statement, not one per row. Only net changes touch counter rows: a usage flush or a refresh that keeps
-- genre, source and status leaves the counters (and their row locks) alone. Counter rows are locked in
-- (facet, value) order, so two writers' statements cannot deadlock each other on them.
CREATE FUNCTION "cache_facet_counts_apply"() RETURNS trigger
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
            SELECT 'source', source, sign FROM changed
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

CREATE FUNCTION "cache_facet_counts_reset"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM cache_facet_counts WHERE entity = TG_ARGV[0];
    RETURN NULL;
END
$$;

CREATE TRIGGER "artist_cache_facet_counts_insert" AFTER INSERT ON "artist_cache"
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cache_facet_counts_apply('artist');
CREATE TRIGGER "artist_cache_facet_counts_update" AFTER UPDATE ON "artist_cache"
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cache_facet_counts_apply('artist');
CREATE TRIGGER "artist_cache_facet_counts_delete" AFTER DELETE ON "artist_cache"
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION cache_facet_counts_apply('artist');
CREATE TRIGGER "artist_cache_facet_counts_truncate" AFTER TRUNCATE ON "artist_cache"
    FOR EACH STATEMENT EXECUTE FUNCTION cache_facet_counts_reset('artist');

CREATE TRIGGER "album_cache_facet_counts_insert" AFTER INSERT ON "album_cache"
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cache_facet_counts_apply('album');
CREATE TRIGGER "album_cache_facet_counts_update" AFTER UPDATE ON "album_cache"
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cache_facet_counts_apply('album');
CREATE TRIGGER "album_cache_facet_counts_delete" AFTER DELETE ON "album_cache"
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION cache_facet_counts_apply('album');
CREATE TRIGGER "album_cache_facet_counts_truncate" AFTER TRUNCATE ON "album_cache"
    FOR EACH STATEMENT EXECUTE FUNCTION cache_facet_counts_reset('album');

-- Existing entries. The triggers above already hold off concurrent writers (CREATE TRIGGER locks the
-- tables until this migration commits), so the backfill and the triggers agree.
INSERT INTO "cache_facet_counts" ("entity", "facet", "value", "entries")
SELECT 'artist', 'status', status::text, count(*) FROM artist_cache GROUP BY status
UNION ALL SELECT 'artist', 'source', source, count(*) FROM artist_cache GROUP BY source
UNION ALL SELECT 'artist', 'genre', genre, count(DISTINCT id) FROM artist_cache, unnest(genres) AS genre WHERE genre IS NOT NULL GROUP BY genre
UNION ALL SELECT 'album', 'status', status::text, count(*) FROM album_cache GROUP BY status
UNION ALL SELECT 'album', 'source', source, count(*) FROM album_cache GROUP BY source
UNION ALL SELECT 'album', 'genre', genre, count(DISTINCT id) FROM album_cache, unnest(genres) AS genre WHERE genre IS NOT NULL GROUP BY genre;
