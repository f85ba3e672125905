-- The statistics counters without a hot row. Until now every write statement's trigger added its
-- change to the one counter row of its day bucket, genre, source and status (INSERT … ON CONFLICT DO
-- UPDATE), and held that row's lock until its transaction ended: writers of the same day or genre
-- queued behind each other, and one long transaction (a bulk import, an open psql session) stopped
-- every warm. Now the triggers only append their change to a delta table, which takes no lock another
-- writer waits for; readers sum the counters and the deltas (the views below), and every 64th write
-- statement folds the deltas into the counters, skipping the fold when another transaction is folding
-- (a transaction-level advisory lock), so the deltas stay a few hundred rows.

-- CreateTable
CREATE TABLE "cache_facet_count_deltas" (
    "id" BIGSERIAL NOT NULL,
    "entity" TEXT NOT NULL,
    "facet" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "entries" INTEGER NOT NULL,

    CONSTRAINT "cache_facet_count_deltas_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "cache_time_bucket_deltas" (
    "id" BIGSERIAL NOT NULL,
    "entity" TEXT NOT NULL,
    "measure" TEXT NOT NULL,
    "bucket" TIMESTAMPTZ(3) NOT NULL,
    "entries" INTEGER NOT NULL,

    CONSTRAINT "cache_time_bucket_deltas_pkey" PRIMARY KEY ("id")
);

-- What the readers sum: the folded counters and the deltas not folded yet (several rows per key).
CREATE VIEW "cache_facet_count_entries" AS
    SELECT entity, facet, value, entries FROM cache_facet_counts
    UNION ALL SELECT entity, facet, value, entries FROM cache_facet_count_deltas;
CREATE VIEW "cache_time_bucket_entries" AS
    SELECT entity, measure, bucket, entries FROM cache_time_buckets
    UNION ALL SELECT entity, measure, bucket, entries FROM cache_time_bucket_deltas;

-- The key of the advisory lock the folds and the recount take (any constant no other code uses).
CREATE FUNCTION "cache_counter_fold_lock"() RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT 7305118802655470001::bigint $$;

-- Moves the deltas visible now into the counters; false (and nothing done) when another transaction
-- holds the fold lock. Rows a concurrent writer commits meanwhile are not seen, and stay for the next
-- fold. Counter rows are locked in key order, and only by the one transaction folding.
CREATE FUNCTION "cache_counter_deltas_fold"() RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    -- Under REPEATABLE READ or SERIALIZABLE the snapshot could still show deltas an earlier fold moved,
    -- and deleting them again would fail the writer's transaction: such a transaction leaves the fold
    -- to the next statement of another.
    IF current_setting('transaction_isolation') <> 'read committed'
       OR NOT pg_try_advisory_xact_lock(cache_counter_fold_lock()) THEN
        RETURN false;
    END IF;
    WITH moved AS (DELETE FROM cache_facet_count_deltas RETURNING entity, facet, value, entries)
    INSERT INTO cache_facet_counts AS c (entity, facet, value, entries)
    SELECT entity, facet, value, sum(entries)::integer FROM moved
     GROUP BY entity, facet, value
    HAVING sum(entries) <> 0
     ORDER BY entity, facet, value
    ON CONFLICT (entity, facet, value) DO UPDATE SET entries = c.entries + EXCLUDED.entries;
    WITH moved AS (DELETE FROM cache_time_bucket_deltas RETURNING entity, measure, bucket, entries)
    INSERT INTO cache_time_buckets AS b (entity, measure, bucket, entries)
    SELECT entity, measure, bucket, sum(entries)::integer FROM moved
     GROUP BY entity, measure, bucket
    HAVING sum(entries) <> 0
     ORDER BY entity, measure, bucket
    ON CONFLICT (entity, measure, bucket) DO UPDATE SET entries = b.entries + EXCLUDED.entries;
    -- Counters that reached zero (a genre no entry has any more) go, so the counters stay as small as the facets.
    DELETE FROM cache_facet_counts WHERE entries = 0;
    RETURN true;
END
$$;

-- As before (one delta statement per write statement, only net changes), but appended to the deltas.
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
        INSERT INTO cache_facet_count_deltas (entity, facet, value, entries)
        SELECT $1, facet, value, sum(sign)::integer FROM deltas
         GROUP BY facet, value
        HAVING sum(sign) <> 0
    $sql$, changed) USING TG_ARGV[0];
    RETURN NULL;
END
$$;

-- The facet deltas of a statement are appended before its bucket deltas (triggers of one event fire in
-- name order: facet_counts before time_buckets), so a fold here takes both.
CREATE OR REPLACE FUNCTION "cache_time_buckets_apply"() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    columns TEXT := '';
    deltas TEXT := '';
    measure TEXT;
    changed TEXT;
BEGIN
    FOREACH measure IN ARRAY TG_ARGV[1:] LOOP
        IF measure <> 'rows' THEN
            columns := columns || format('%I, ', measure);
        END IF;
        deltas := deltas || CASE WHEN deltas = '' THEN '' ELSE ' UNION ALL ' END
            || format('SELECT %L AS measure, %s AS bucket, sign FROM changed', measure,
                      CASE WHEN measure = 'rows' THEN '''-infinity''::timestamptz' ELSE format('cache_time_bucket(%I)', measure) END);
    END LOOP;
    changed := CASE TG_OP
        WHEN 'INSERT' THEN format('SELECT %s 1 AS sign FROM new_rows', columns)
        WHEN 'DELETE' THEN format('SELECT %s -1 AS sign FROM old_rows', columns)
        ELSE format('SELECT %s 1 AS sign FROM new_rows UNION ALL SELECT %s -1 AS sign FROM old_rows', columns, columns)
    END;
    EXECUTE format($sql$
        WITH changed AS (%s), deltas AS (%s)
        INSERT INTO cache_time_bucket_deltas (entity, measure, bucket, entries)
        SELECT $1, measure, bucket, sum(sign)::integer FROM deltas
         GROUP BY measure, bucket
        HAVING sum(sign) <> 0
    $sql$, changed, deltas) USING TG_ARGV[0];
    IF nextval('cache_statistics_generation') % 64 = 0 THEN
        PERFORM cache_counter_deltas_fold();
    END IF;
    RETURN NULL;
END
$$;

-- A truncate resets the entity's counters and its deltas. It waits for a fold in progress, which
-- could otherwise move the entity's old deltas into the counters after the reset.
CREATE OR REPLACE FUNCTION "cache_facet_counts_reset"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(cache_counter_fold_lock());
    DELETE FROM cache_facet_counts WHERE entity = TG_ARGV[0];
    DELETE FROM cache_facet_count_deltas WHERE entity = TG_ARGV[0];
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION "cache_time_buckets_reset"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(cache_counter_fold_lock());
    DELETE FROM cache_time_buckets WHERE entity = TG_ARGV[0];
    DELETE FROM cache_time_bucket_deltas WHERE entity = TG_ARGV[0];
    PERFORM nextval('cache_statistics_generation');
    RETURN NULL;
END
$$;
