// Reads of the change feed: entry_changes, one row per entry, written only by the entry tables' triggers.
// Raw because the horizon comes from the reading statement's own snapshot (pg_current_snapshot), which
// Prisma cannot express, and the page, its horizon and "is anything held back" must come from that
// one snapshot.
//
// A position is (transaction id, sequence): the feed's order. Only rows written by transactions below the
// horizon are answered; every transaction of this database below it has ended, so nothing can later commit at or
// before a position handed out (the migration 20261205060000_entry_changes says why this order and not
// the bare sequence).
import type { Queryable } from '../../db/queryable.ts';

// The horizon: the oldest transaction still in progress in the statement's snapshot that could write
// this database's tables. The snapshot's own xmin is the oldest of the whole server, so an open
// transaction in any other database on it (another application's, a psql session) would hold the feed
// back for as long as it stays open. A transaction that pg_stat_activity shows in another database is
// left out (a session cannot write another database); one it does not show (ended since the snapshot,
// prepared, or another role's whose details are hidden) counts, which can only hold the feed back, never
// let it pass a change. backend_xid is 32 bits: the xid8 values of the snapshot compare by their low 32.
const HORIZON = `
SELECT coalesce(
         (SELECT min(x::text::bigint) FROM pg_snapshot_xip(s.snapshot) AS x
           WHERE x::text::bigint % 4294967296 NOT IN (
                 SELECT a.backend_xid::text::bigint FROM pg_stat_activity a
                  WHERE a.backend_xid IS NOT NULL AND a.datname IS NOT NULL AND a.datname <> current_database())),
         pg_snapshot_xmax(s.snapshot)::text::bigint) AS xmin
  FROM (SELECT pg_current_snapshot() AS snapshot) AS s`;

export const ENTRY_KINDS = ['artist', 'album', 'track', 'audio_features'] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

export interface ChangePosition {
  /** The writing transaction's id (pg_current_xact_id). */
  transaction: bigint;
  /** From entry_change_seq: the order within a transaction. */
  sequence: bigint;
}

/** Before every change: a consumer starting here gets every entry once, then what changes. */
export const FEED_START: ChangePosition = { transaction: 0n, sequence: 0n };

/** An entry's lookup key as the triggers store it: one of nameKey, artistKey + titleKey, ratingKey. */
export interface EntryKeyFields {
  nameKey?: string;
  artistKey?: string;
  titleKey?: string;
  ratingKey?: string;
}

export interface ChangeRecord {
  kind: EntryKind;
  /** artist_cache.id, album_cache.id, track_cache.rating_key or audio_features.track_rating_key. */
  entryId: string;
  key: EntryKeyFields;
  removed: boolean;
  changedAt: Date;
  position: ChangePosition;
}

export interface ChangeBatch {
  records: ChangeRecord[];
  /** More answerable changes follow the last record. */
  hasMore: boolean;
  /** Changes past the position are committed but above the horizon: they will be answerable soon. */
  heldBack: boolean;
}

interface BatchRow {
  held_back: boolean;
  changes: Array<{
    kind: EntryKind;
    entry_id: string;
    key: EntryKeyFields;
    removed: boolean;
    changed_at: string;
    transaction: string;
    sequence: string;
  }>;
}

/** Up to `limit` changes after `after`, in feed order, each entry at its latest state. */
export async function readChangeRecords(db: Queryable, after: ChangePosition, limit: number): Promise<ChangeBatch> {
  const { rows } = await db.query<BatchRow>(
    `WITH horizon AS (${HORIZON}),
          page AS (
            SELECT c.kind, c.entry_id, c.key, c.removed, c.changed_at,
                   c.change_xid::text AS transaction, c.change_seq::text AS sequence
              FROM entry_changes c, horizon h
             WHERE (c.change_xid, c.change_seq) > ($1::bigint, $2::bigint) AND c.change_xid < h.xmin
             ORDER BY c.change_xid, c.change_seq
             LIMIT $3)
     SELECT EXISTS (SELECT 1 FROM entry_changes c, horizon h
                     WHERE c.change_xid >= h.xmin AND (c.change_xid, c.change_seq) > ($1::bigint, $2::bigint)) AS held_back,
            COALESCE((SELECT jsonb_agg(to_jsonb(p) ORDER BY p.transaction::bigint, p.sequence::bigint) FROM page p),
                     '[]'::jsonb) AS changes`,
    [after.transaction.toString(), after.sequence.toString(), limit + 1],
  );
  const row = rows[0];
  const changes = row?.changes ?? [];
  return {
    records: changes.slice(0, limit).map((change) => ({
      kind: change.kind,
      entryId: change.entry_id,
      key: change.key,
      removed: change.removed,
      changedAt: new Date(change.changed_at),
      position: { transaction: BigInt(change.transaction), sequence: BigInt(change.sequence) },
    })),
    hasMore: changes.length > limit,
    heldBack: row?.held_back ?? false,
  };
}

/**
 * The position of "now": past every change that is answerable at this instant, before every change still
 * in flight. A follower starting here gets only what changes from now on.
 */
export async function currentChangePosition(db: Queryable): Promise<ChangePosition> {
  const { rows } = await db.query<{ xmin: string }>(`SELECT xmin::text AS xmin FROM (${HORIZON}) AS horizon`);
  // Every row of a transaction below xmin sorts before (xmin - 1, the largest bigint).
  return { transaction: BigInt(rows[0]?.xmin ?? '1') - 1n, sequence: 9_223_372_036_854_775_807n };
}
