// Reading and writing snapshot rows. Raw SQL: PostgreSQL renders each page as JSON text (no per-row
// mapping in Node), and one statement upserts a whole table's staged rows with a per-tier "newer wins"
// rule, which Prisma's upsert (one row, unconditional) cannot express.
import type { Queryable } from '../../db/queryable.ts';
import { type SnapshotTable, snapshotColumns } from './snapshot-tables.ts';

function quote(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

/** One page of rows as JSON text, after `after` in page-key order; `next` is null on the last page. */
export async function readSnapshotPage(
  db: Queryable,
  table: SnapshotTable,
  after: string | null,
  limit: number,
): Promise<{ rows: string[]; next: string | null }> {
  const columns = snapshotColumns(table);
  // json_build_object takes at most 100 arguments: 50 columns, well above any table here.
  const object = `json_build_object(${columns.map((column) => `'${column}', ${quote(column)}`).join(', ')})::text`;
  const key = quote(table.pageKey);
  const select = `SELECT ${key}::text AS page_key, ${object} AS row FROM ${quote(table.table)}`;
  const { rows } =
    after === null
      ? await db.query<{ page_key: string; row: string }>(`${select} ORDER BY ${key} LIMIT $1`, [limit])
      : await db.query<{ page_key: string; row: string }>(`${select} WHERE ${key} > $1 ORDER BY ${key} LIMIT $2`, [
          after,
          limit,
        ]);
  const last = rows.at(-1);
  return { rows: rows.map((entry) => entry.row), next: rows.length === limit && last ? last.page_key : null };
}

export interface UpsertCounts {
  inserted: number;
  updated: number;
  /** Rows whose existing copy was as new or newer (or, for audio features, whose track is missing). */
  kept: number;
}

/**
 * The import's staging table, gone at commit. Rows land here batch by batch and reach the cache tables
 * in one statement per table: the statistics triggers then run once per table, not once per batch
 * (in one long transaction every batch's counter update would add a row version the next must step over).
 */
export async function createStagingTable(db: Queryable): Promise<void> {
  await db.query(`CREATE TEMPORARY TABLE snapshot_staging (entity text NOT NULL, row jsonb NOT NULL) ON COMMIT DROP`);
}

export async function stageRows(
  db: Queryable,
  entity: string,
  rows: readonly Record<string, unknown>[],
): Promise<void> {
  await db.query(`INSERT INTO snapshot_staging (entity, row) SELECT $1, value FROM jsonb_array_elements($2::jsonb)`, [
    entity,
    JSON.stringify(rows),
  ]);
}

/** Upserts every staged row of one entity; returns what happened to them. */
export async function upsertStagedRows(db: Queryable, entity: string, table: SnapshotTable): Promise<UpsertCounts> {
  const columns = snapshotColumns(table);
  const target = quote(table.table);
  const list = columns.map(quote).join(', ');
  const key = table.conflictKey.map((column) => `incoming.${quote(column)}`).join(', ');
  const firstTier = table.tiers[0]?.fetchedAt ?? 'fetched_at';
  const requires = table.requires
    ? `AND EXISTS (SELECT 1 FROM ${quote(table.requires.table)} parent WHERE parent.${quote(table.requires.references)} = incoming.${quote(table.requires.column)})`
    : '';
  const isNewer = (fetchedAt: string) => `${target}.${quote(fetchedAt)} < EXCLUDED.${quote(fetchedAt)}`;
  const assignments = [
    ...table.tiers.flatMap((tier) =>
      tier.columns.map((column) =>
        table.tiers.length === 1
          ? `${quote(column)} = EXCLUDED.${quote(column)}`
          : `${quote(column)} = CASE WHEN ${isNewer(tier.fetchedAt)} THEN EXCLUDED.${quote(column)} ELSE ${target}.${quote(column)} END`,
      ),
    ),
    ...Object.entries(table.merged).map(
      ([column, rule]) =>
        `${quote(column)} = ${rule === 'greatest' ? 'GREATEST' : 'LEAST'}(${target}.${quote(column)}, EXCLUDED.${quote(column)})`,
    ),
  ];
  const anyNewer = table.tiers.map((tier) => isNewer(tier.fetchedAt)).join(' OR ');
  // A key twice in one file (hand-made, or concatenated) keeps its latest copy: one statement may not
  // update a row twice.
  const { rows } = await db.query<{ staged: number; inserted: number; written: number }>(
    `WITH incoming AS (
       SELECT DISTINCT ON (${key}) incoming.*
         FROM snapshot_staging staged, jsonb_populate_record(NULL::${target}, staged.row) AS incoming
        WHERE staged.entity = $1 ${requires}
        ORDER BY ${key}, incoming.${quote(firstTier)} DESC
     ), written AS (
       INSERT INTO ${target} (${list}) SELECT ${list} FROM incoming
       ON CONFLICT (${table.conflictKey.map(quote).join(', ')}) DO UPDATE SET ${assignments.join(', ')}
       WHERE ${anyNewer}
       RETURNING (xmax = 0) AS inserted
     )
     SELECT (SELECT count(*)::int FROM snapshot_staging WHERE entity = $1) AS staged,
            (SELECT count(*) FILTER (WHERE inserted)::int FROM written) AS inserted,
            (SELECT count(*)::int FROM written) AS written`,
    [entity],
  );
  const counts = rows[0] ?? { staged: 0, inserted: 0, written: 0 };
  return { inserted: counts.inserted, updated: counts.written - counts.inserted, kept: counts.staged - counts.written };
}

/** The last migration applied: a snapshot names the schema it was written from. */
export async function latestMigration(db: Queryable): Promise<string | null> {
  const { rows } = await db.query<{ migration_name: string }>(
    `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL ORDER BY migration_name DESC LIMIT 1`,
  );
  return rows[0]?.migration_name ?? null;
}
