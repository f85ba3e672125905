-- Every track sync writes plex_seen_at on every row, and one statement per sync reads it (the removal of
-- tracks a complete listing did not see). An index on it cost a B-tree insertion per row per sync; the
-- removal scans the table once instead.
DROP INDEX IF EXISTS "track_cache_plex_seen_at_idx";
