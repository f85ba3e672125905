-- The artists listing of one genre, a page at a time. The GIN index on genre_keys finds
-- a genre's rows but not in name order: a page of a big genre walked the name index and skipped the other
-- genres' rows (thousands of rows for a mid-sized genre), and a page of a small one read every row of the
-- genre to sort them. This table holds one row per (genre, artist) in name order, so a page of any genre is
-- one B-tree range of page-size rows, then the artists by primary key.
--
-- Statement-level triggers on artist_cache keep it (every writer, SQL by hand included). An update
-- rewrites only the rows whose genre keys or name key changed (a usage flush or an expiry change rewrites
-- none; PostgreSQL allows no column list on a trigger with transition tables, so it is filtered here). No foreign keys: TRUNCATE of
-- artist_cache empties the index through its own trigger, and writers never touch the index.

-- CreateTable
CREATE TABLE "artist_genre_index" (
    "genre_key" TEXT NOT NULL,
    "name_key" TEXT NOT NULL,
    "artist_id" INTEGER NOT NULL,

    CONSTRAINT "artist_genre_index_pkey" PRIMARY KEY ("genre_key","name_key")
);
CREATE INDEX "artist_genre_index_artist_id_idx" ON "artist_genre_index" ("artist_id");

-- One function for insert, update and delete, written for any entry table (the album and track listings
-- can get an index of their own the same way). Arguments: the index table, its column naming the entry,
-- the entry table's id column, then the listing's key columns (named alike in both).
CREATE FUNCTION "genre_index_apply"() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    index_table TEXT := TG_ARGV[0];
    index_id TEXT := TG_ARGV[1];
    entry_id TEXT := TG_ARGV[2];
    key_columns TEXT := (SELECT string_agg(quote_ident(c), ', ') FROM unnest(TG_ARGV[3:]) c);
    new_keys TEXT := (SELECT string_agg('r.' || quote_ident(c), ', ') FROM unnest(TG_ARGV[3:]) c);
    old_keys TEXT := (SELECT string_agg('o.' || quote_ident(c), ', ') FROM unnest(TG_ARGV[3:]) c);
    added TEXT := 'SELECT * FROM new_rows';
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        -- An update rewrites only the entries whose genres or listing keys changed.
        added := CASE TG_OP WHEN 'DELETE' THEN 'SELECT * FROM old_rows' ELSE format(
            'SELECT r.* FROM new_rows r JOIN old_rows o USING (%1$I)
              WHERE (r.genre_keys, %2$s) IS DISTINCT FROM (o.genre_keys, %3$s)', entry_id, new_keys, old_keys) END;
        EXECUTE format('DELETE FROM %1$I i USING (%4$s) r WHERE i.%2$I = r.%3$I', index_table, index_id, entry_id, added);
        IF TG_OP = 'DELETE' THEN
            RETURN NULL;
        END IF;
    END IF;
    EXECUTE format($sql$
        INSERT INTO %1$I (genre_key, %2$s, %3$I)
        SELECT g, %4$s, r.%5$I FROM (%6$s) r CROSS JOIN LATERAL unnest(r.genre_keys) g
    $sql$, index_table, key_columns, index_id, new_keys, entry_id, added);
    RETURN NULL;
END
$$;

-- TRUNCATE has no transition table: the whole index goes.
CREATE FUNCTION "genre_index_truncate"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('TRUNCATE %I', TG_ARGV[0]);
    RETURN NULL;
END
$$;

CREATE TRIGGER "artist_cache_genre_index_insert" AFTER INSERT ON "artist_cache"
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION genre_index_apply('artist_genre_index', 'artist_id', 'id', 'name_key');
CREATE TRIGGER "artist_cache_genre_index_update" AFTER UPDATE ON "artist_cache"
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION genre_index_apply('artist_genre_index', 'artist_id', 'id', 'name_key');
CREATE TRIGGER "artist_cache_genre_index_delete" AFTER DELETE ON "artist_cache"
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
    EXECUTE FUNCTION genre_index_apply('artist_genre_index', 'artist_id', 'id', 'name_key');
CREATE TRIGGER "artist_cache_genre_index_truncate" AFTER TRUNCATE ON "artist_cache"
    FOR EACH STATEMENT EXECUTE FUNCTION genre_index_truncate('artist_genre_index');

-- The entries cached before this migration.
INSERT INTO "artist_genre_index" (genre_key, name_key, artist_id)
SELECT g, name_key, id FROM artist_cache CROSS JOIN LATERAL unnest(genre_keys) g;
