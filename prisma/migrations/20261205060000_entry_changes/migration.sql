-- The change feed: one row per entry (artist, album, track, audio features) that says when its data last
-- changed, or that it was removed. Statement-level triggers on the four entry tables write it, so every
-- path that writes entries (warms, refreshes, syncs, lookups, cache clear, the track prune, a cascade,
-- SQL by hand) is in the feed, and a batch upsert costs one extra statement, not one per row.
--
-- Kept beside the entry tables rather than as columns of them: the feed reads one index over one table
-- instead of merging five, removals need no second table, and the entry rows (read everywhere) carry no
-- bigint columns.
--
-- Ordering and the in-flight race. A sequence number is taken when a row is written, but becomes visible
-- only when its transaction commits; a transaction holding 10 can commit after one holding 11, so a reader
-- that answered 11 and moved its cursor past it would never see 10. The feed therefore orders by
-- (transaction id, sequence) and answers only rows whose transaction id is below the reader snapshot's
-- xmin (pg_snapshot_xmin: every transaction with a lower id has finished). Any row committed later has a
-- transaction id at or above that xmin, so it sorts after every cursor already handed out. The price is
-- latency, not correctness: while some transaction stays open, changes committed after it started wait
-- until it ends. A commit-ordered sequence (a lock taken before nextval and held to commit) would keep the
-- plain sequence order but serialise every writer of entries; a warm writes from many workers at once.

CREATE SEQUENCE "entry_change_seq" AS BIGINT;

-- CreateTable
CREATE TABLE "entry_changes" (
    "kind" TEXT NOT NULL,
    "entry_id" TEXT NOT NULL,
    "key" JSONB NOT NULL,
    "removed" BOOLEAN NOT NULL DEFAULT false,
    "change_seq" BIGINT NOT NULL DEFAULT nextval('entry_change_seq'),
    "change_xid" BIGINT NOT NULL DEFAULT (pg_current_xact_id()::text::bigint),
    "changed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),

    CONSTRAINT "entry_changes_pkey" PRIMARY KEY ("kind","entry_id"),
    CONSTRAINT "entry_changes_kind_check" CHECK ("kind" IN ('artist', 'album', 'track', 'audio_features'))
);

CREATE INDEX "entry_changes_change_xid_change_seq_idx" ON "entry_changes" ("change_xid", "change_seq");

-- One function for insert, update and delete on every entry table. Arguments: the kind, the entry's id
-- column, the expression of its key (over the transition row `r`), then the columns that are bookkeeping,
-- not data: usage (last_used_at, use_count), when it was fetched and when it expires, when Plex last listed
-- it. A write that changes only those (a usage flush, a refresh that confirms what was there, a Plex
-- listing that sees the track again) is not a change; any other column, including one added later, is.
CREATE FUNCTION "entry_changes_record"() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    changed TEXT;
    recorded BIGINT;
BEGIN
    changed := CASE TG_OP
        WHEN 'INSERT' THEN 'SELECT r.*, false AS gone FROM new_rows r'
        WHEN 'DELETE' THEN 'SELECT r.*, true AS gone FROM old_rows r'
        ELSE format(
            'SELECT r.*, false AS gone FROM new_rows r JOIN old_rows o USING (%1$I)
              WHERE to_jsonb(r) - $1 IS DISTINCT FROM to_jsonb(o) - $1', TG_ARGV[1])
    END;
    EXECUTE format($sql$
        INSERT INTO entry_changes AS c (kind, entry_id, key, removed, change_seq, change_xid, changed_at)
        SELECT $2, r.%1$I::text, %2$s, r.gone, nextval('entry_change_seq'), pg_current_xact_id()::text::bigint, now()
          FROM (%3$s) r
        ON CONFLICT (kind, entry_id) DO UPDATE SET
          key = EXCLUDED.key, removed = EXCLUDED.removed, change_seq = EXCLUDED.change_seq,
          change_xid = EXCLUDED.change_xid, changed_at = EXCLUDED.changed_at
    $sql$, TG_ARGV[1], TG_ARGV[2], changed) USING TG_ARGV[3:], TG_ARGV[0];
    GET DIAGNOSTICS recorded = ROW_COUNT;
    -- One notification per transaction (PostgreSQL folds identical ones): followers re-read the feed.
    IF recorded > 0 THEN
        PERFORM pg_notify('entry_changes', '');
    END IF;
    RETURN NULL;
END
$$;

-- TRUNCATE has no transition table: every entry of the kind is recorded as removed.
CREATE FUNCTION "entry_changes_truncate"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE entry_changes
       SET removed = true, change_seq = nextval('entry_change_seq'),
           change_xid = pg_current_xact_id()::text::bigint, changed_at = now()
     WHERE kind = TG_ARGV[0] AND NOT removed;
    IF FOUND THEN
        PERFORM pg_notify('entry_changes', '');
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER "artist_cache_entry_changes_insert" AFTER INSERT ON "artist_cache"
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION entry_changes_record('artist', 'id', 'jsonb_build_object(''nameKey'', r.name_key)',
        'last_used_at', 'use_count', 'updated_at', 'fetched_at', 'expires_at');
CREATE TRIGGER "artist_cache_entry_changes_update" AFTER UPDATE ON "artist_cache"
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION entry_changes_record('artist', 'id', 'jsonb_build_object(''nameKey'', r.name_key)',
        'last_used_at', 'use_count', 'updated_at', 'fetched_at', 'expires_at');
CREATE TRIGGER "artist_cache_entry_changes_delete" AFTER DELETE ON "artist_cache"
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
    EXECUTE FUNCTION entry_changes_record('artist', 'id', 'jsonb_build_object(''nameKey'', r.name_key)');
CREATE TRIGGER "artist_cache_entry_changes_truncate" AFTER TRUNCATE ON "artist_cache"
    FOR EACH STATEMENT EXECUTE FUNCTION entry_changes_truncate('artist');

CREATE TRIGGER "album_cache_entry_changes_insert" AFTER INSERT ON "album_cache"
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION entry_changes_record('album', 'id',
        'jsonb_build_object(''artistKey'', r.artist_key, ''titleKey'', r.title_key)',
        'last_used_at', 'use_count', 'updated_at', 'fetched_at', 'expires_at');
CREATE TRIGGER "album_cache_entry_changes_update" AFTER UPDATE ON "album_cache"
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION entry_changes_record('album', 'id',
        'jsonb_build_object(''artistKey'', r.artist_key, ''titleKey'', r.title_key)',
        'last_used_at', 'use_count', 'updated_at', 'fetched_at', 'expires_at');
CREATE TRIGGER "album_cache_entry_changes_delete" AFTER DELETE ON "album_cache"
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
    EXECUTE FUNCTION entry_changes_record('album', 'id',
        'jsonb_build_object(''artistKey'', r.artist_key, ''titleKey'', r.title_key)');
CREATE TRIGGER "album_cache_entry_changes_truncate" AFTER TRUNCATE ON "album_cache"
    FOR EACH STATEMENT EXECUTE FUNCTION entry_changes_truncate('album');

CREATE TRIGGER "track_cache_entry_changes_insert" AFTER INSERT ON "track_cache"
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION entry_changes_record('track', 'rating_key', 'jsonb_build_object(''ratingKey'', r.rating_key)',
        'last_used_at', 'use_count', 'updated_at', 'static_fetched_at', 'static_expires_at',
        'stats_fetched_at', 'stats_expires_at', 'plex_seen_at');
CREATE TRIGGER "track_cache_entry_changes_update" AFTER UPDATE ON "track_cache"
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION entry_changes_record('track', 'rating_key', 'jsonb_build_object(''ratingKey'', r.rating_key)',
        'last_used_at', 'use_count', 'updated_at', 'static_fetched_at', 'static_expires_at',
        'stats_fetched_at', 'stats_expires_at', 'plex_seen_at');
CREATE TRIGGER "track_cache_entry_changes_delete" AFTER DELETE ON "track_cache"
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
    EXECUTE FUNCTION entry_changes_record('track', 'rating_key', 'jsonb_build_object(''ratingKey'', r.rating_key)');
CREATE TRIGGER "track_cache_entry_changes_truncate" AFTER TRUNCATE ON "track_cache"
    FOR EACH STATEMENT EXECUTE FUNCTION entry_changes_truncate('track');

CREATE TRIGGER "audio_features_entry_changes_insert" AFTER INSERT ON "audio_features"
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION entry_changes_record('audio_features', 'track_rating_key',
        'jsonb_build_object(''ratingKey'', r.track_rating_key)', 'updated_at', 'fetched_at');
CREATE TRIGGER "audio_features_entry_changes_update" AFTER UPDATE ON "audio_features"
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION entry_changes_record('audio_features', 'track_rating_key',
        'jsonb_build_object(''ratingKey'', r.track_rating_key)', 'updated_at', 'fetched_at');
CREATE TRIGGER "audio_features_entry_changes_delete" AFTER DELETE ON "audio_features"
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
    EXECUTE FUNCTION entry_changes_record('audio_features', 'track_rating_key',
        'jsonb_build_object(''ratingKey'', r.track_rating_key)');
CREATE TRIGGER "audio_features_entry_changes_truncate" AFTER TRUNCATE ON "audio_features"
    FOR EACH STATEMENT EXECUTE FUNCTION entry_changes_truncate('audio_features');

-- Entries cached before this migration enter the feed once, in table order.
INSERT INTO entry_changes (kind, entry_id, key)
SELECT 'artist', id::text, jsonb_build_object('nameKey', name_key) FROM artist_cache ORDER BY id;
INSERT INTO entry_changes (kind, entry_id, key)
SELECT 'album', id::text, jsonb_build_object('artistKey', artist_key, 'titleKey', title_key) FROM album_cache ORDER BY id;
INSERT INTO entry_changes (kind, entry_id, key)
SELECT 'track', rating_key, jsonb_build_object('ratingKey', rating_key) FROM track_cache ORDER BY rating_key;
INSERT INTO entry_changes (kind, entry_id, key)
SELECT 'audio_features', track_rating_key, jsonb_build_object('ratingKey', track_rating_key)
  FROM audio_features ORDER BY track_rating_key;
