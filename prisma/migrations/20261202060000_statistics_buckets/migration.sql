-- Entries per UTC day of each expiry and last-use timestamp, and row counts of the tables without one,
-- kept by statement-level triggers, so that the cache statistics are O(1) in the size of the tables:
-- "expired at t" is the sum of the day buckets before t's day plus a range scan of t's day alone (the
-- index on the column), never a scan that grows with the table. NULL (never used) counts in the bucket
-- '-infinity'; so does every row of audio_features and job_runs (measure `rows`).
-- A sequence numbers the changes: readers of the statistics compare it to tell whether the counters
-- moved since they last looked (src/cache/stats/shared-statistics.ts).

-- CreateTable
CREATE TABLE "cache_time_buckets" (
    "entity" TEXT NOT NULL,
    "measure" TEXT NOT NULL,
    "bucket" TIMESTAMPTZ(3) NOT NULL,
    "entries" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "cache_time_buckets_pkey" PRIMARY KEY ("entity","measure","bucket")
);

CREATE SEQUENCE "cache_statistics_generation";

-- The start of the UTC day of `at` (whatever the server's TimeZone), '-infinity' for NULL.
CREATE FUNCTION "cache_time_bucket"(at TIMESTAMPTZ) RETURNS TIMESTAMPTZ
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(to_timestamp(floor(extract(epoch FROM at) / 86400) * 86400), '-infinity'::timestamptz)
$$;

-- TG_ARGV[0] names the entity, the other arguments the timestamp columns to bucket (`rows`: a row count).
-- As cache_facet_counts_apply: the changed rows come from the transition tables (one counter statement
-- per write statement), only net changes touch counter rows (a rewrite that keeps the dates leaves them
-- alone), and counter rows are locked in key order, so concurrent writers cannot deadlock on them.
CREATE FUNCTION "cache_time_buckets_apply"() RETURNS trigger
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
        INSERT INTO cache_time_buckets AS b (entity, measure, bucket, entries)
        SELECT $1, measure, bucket, sum(sign)::integer FROM deltas
         GROUP BY measure, bucket
        HAVING sum(sign) <> 0
         ORDER BY measure, bucket
        ON CONFLICT (entity, measure, bucket) DO UPDATE SET entries = b.entries + EXCLUDED.entries
    $sql$, changed, deltas) USING TG_ARGV[0];
    PERFORM nextval('cache_statistics_generation');
    RETURN NULL;
END
$$;

CREATE FUNCTION "cache_time_buckets_reset"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM cache_time_buckets WHERE entity = TG_ARGV[0];
    PERFORM nextval('cache_statistics_generation');
    RETURN NULL;
END
$$;

CREATE TRIGGER "artist_cache_time_buckets_insert" AFTER INSERT ON "artist_cache"
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cache_time_buckets_apply('artist', 'expires_at', 'last_used_at');
CREATE TRIGGER "artist_cache_time_buckets_update" AFTER UPDATE ON "artist_cache"
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cache_time_buckets_apply('artist', 'expires_at', 'last_used_at');
CREATE TRIGGER "artist_cache_time_buckets_delete" AFTER DELETE ON "artist_cache"
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION cache_time_buckets_apply('artist', 'expires_at', 'last_used_at');
CREATE TRIGGER "artist_cache_time_buckets_truncate" AFTER TRUNCATE ON "artist_cache"
    FOR EACH STATEMENT EXECUTE FUNCTION cache_time_buckets_reset('artist');

CREATE TRIGGER "album_cache_time_buckets_insert" AFTER INSERT ON "album_cache"
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cache_time_buckets_apply('album', 'expires_at', 'last_used_at');
CREATE TRIGGER "album_cache_time_buckets_update" AFTER UPDATE ON "album_cache"
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cache_time_buckets_apply('album', 'expires_at', 'last_used_at');
CREATE TRIGGER "album_cache_time_buckets_delete" AFTER DELETE ON "album_cache"
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION cache_time_buckets_apply('album', 'expires_at', 'last_used_at');
CREATE TRIGGER "album_cache_time_buckets_truncate" AFTER TRUNCATE ON "album_cache"
    FOR EACH STATEMENT EXECUTE FUNCTION cache_time_buckets_reset('album');

CREATE TRIGGER "track_cache_time_buckets_insert" AFTER INSERT ON "track_cache"
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION cache_time_buckets_apply('track', 'static_expires_at', 'stats_expires_at', 'last_used_at');
CREATE TRIGGER "track_cache_time_buckets_update" AFTER UPDATE ON "track_cache"
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION cache_time_buckets_apply('track', 'static_expires_at', 'stats_expires_at', 'last_used_at');
CREATE TRIGGER "track_cache_time_buckets_delete" AFTER DELETE ON "track_cache"
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
    EXECUTE FUNCTION cache_time_buckets_apply('track', 'static_expires_at', 'stats_expires_at', 'last_used_at');
CREATE TRIGGER "track_cache_time_buckets_truncate" AFTER TRUNCATE ON "track_cache"
    FOR EACH STATEMENT EXECUTE FUNCTION cache_time_buckets_reset('track');

-- Row counts only: inserts and deletes (an update of a run's progress changes no count).
CREATE TRIGGER "audio_features_row_count_insert" AFTER INSERT ON "audio_features"
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cache_time_buckets_apply('audio_features', 'rows');
CREATE TRIGGER "audio_features_row_count_delete" AFTER DELETE ON "audio_features"
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION cache_time_buckets_apply('audio_features', 'rows');
CREATE TRIGGER "audio_features_row_count_truncate" AFTER TRUNCATE ON "audio_features"
    FOR EACH STATEMENT EXECUTE FUNCTION cache_time_buckets_reset('audio_features');
CREATE TRIGGER "job_runs_row_count_insert" AFTER INSERT ON "job_runs"
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cache_time_buckets_apply('job_runs', 'rows');
CREATE TRIGGER "job_runs_row_count_delete" AFTER DELETE ON "job_runs"
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION cache_time_buckets_apply('job_runs', 'rows');
CREATE TRIGGER "job_runs_row_count_truncate" AFTER TRUNCATE ON "job_runs"
    FOR EACH STATEMENT EXECUTE FUNCTION cache_time_buckets_reset('job_runs');

-- Existing rows. CREATE TRIGGER holds off concurrent writers until this migration commits, so the
-- backfill and the triggers agree.
INSERT INTO "cache_time_buckets" ("entity", "measure", "bucket", "entries")
SELECT 'artist', 'expires_at', cache_time_bucket(expires_at), count(*) FROM artist_cache GROUP BY 3
UNION ALL SELECT 'artist', 'last_used_at', cache_time_bucket(last_used_at), count(*) FROM artist_cache GROUP BY 3
UNION ALL SELECT 'album', 'expires_at', cache_time_bucket(expires_at), count(*) FROM album_cache GROUP BY 3
UNION ALL SELECT 'album', 'last_used_at', cache_time_bucket(last_used_at), count(*) FROM album_cache GROUP BY 3
UNION ALL SELECT 'track', 'static_expires_at', cache_time_bucket(static_expires_at), count(*) FROM track_cache GROUP BY 3
UNION ALL SELECT 'track', 'stats_expires_at', cache_time_bucket(stats_expires_at), count(*) FROM track_cache GROUP BY 3
UNION ALL SELECT 'track', 'last_used_at', cache_time_bucket(last_used_at), count(*) FROM track_cache GROUP BY 3
UNION ALL SELECT 'audio_features', 'rows', '-infinity', count(*) FROM audio_features HAVING count(*) > 0
UNION ALL SELECT 'job_runs', 'rows', '-infinity', count(*) FROM job_runs HAVING count(*) > 0;
