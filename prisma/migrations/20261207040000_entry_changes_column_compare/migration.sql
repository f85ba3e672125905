-- The change feed's update trigger told a change from bookkeeping by turning both versions of every row
-- into jsonb (to_jsonb(new) - bookkeeping IS DISTINCT FROM to_jsonb(old) - bookkeeping). On a wide row
-- that is most of the cost of a write: a statistics sync of 100,000 tracks spent a third of its time
-- there. Now the comparison is column by column, over the table's columns read from the catalog at each
-- statement (so a column added later is compared too, as before), bookkeeping columns left out.
CREATE OR REPLACE FUNCTION "entry_changes_record"() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    changed TEXT;
    differs TEXT;
    recorded BIGINT;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        SELECT coalesce(string_agg(format('r.%1$I IS DISTINCT FROM o.%1$I', a.attname), ' OR ' ORDER BY a.attnum), 'false')
          INTO differs
          FROM pg_attribute a
         WHERE a.attrelid = TG_RELID AND a.attnum > 0 AND NOT a.attisdropped
           AND a.attgenerated = '' AND a.attname <> ALL (TG_ARGV[3:]);
    END IF;
    changed := CASE TG_OP
        WHEN 'INSERT' THEN 'SELECT r.*, false AS gone FROM new_rows r'
        WHEN 'DELETE' THEN 'SELECT r.*, true AS gone FROM old_rows r'
        ELSE format(
            'SELECT r.*, false AS gone FROM new_rows r JOIN old_rows o USING (%1$I) WHERE %2$s', TG_ARGV[1], differs)
    END;
    EXECUTE format($sql$
        INSERT INTO entry_changes AS c (kind, entry_id, key, removed, change_seq, change_xid, changed_at)
        SELECT $1, r.%1$I::text, %2$s, r.gone, nextval('entry_change_seq'), pg_current_xact_id()::text::bigint, now()
          FROM (%3$s) r
        ON CONFLICT (kind, entry_id) DO UPDATE SET
          key = EXCLUDED.key, removed = EXCLUDED.removed, change_seq = EXCLUDED.change_seq,
          change_xid = EXCLUDED.change_xid, changed_at = EXCLUDED.changed_at
    $sql$, TG_ARGV[1], TG_ARGV[2], changed) USING TG_ARGV[0];
    GET DIAGNOSTICS recorded = ROW_COUNT;
    -- One notification per transaction (PostgreSQL folds identical ones): followers re-read the feed.
    IF recorded > 0 THEN
        PERFORM pg_notify('entry_changes', '');
    END IF;
    RETURN NULL;
END
$$;
