// Reading and writing snapshot rows. Raw SQL: PostgreSQL renders each page as JSON text (no per-row
// mapping in Node), and one statement upserts a whole batch with a per-tier "newer wins" rule, which
// Prisma's upsert (one row, unconditional) cannot express.
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

/** The statement that upserts one batch, given as a JSON array of rows in $1. */
export function upsertStatement(table: SnapshotTable): string {
  const columns = snapshotColumns(table);
  const target = quote(table.table);
  const list = columns.map(quote).join(', ');
  const source = `jsonb_populate_recordset(NULL::${target}, $1::jsonb) AS incoming`;
  const requires = table.requires
    ? `WHERE EXISTS (SELECT 1 FROM ${quote(table.requires.table)} parent WHERE parent.${quote(table.requires.references)} = incoming.${quote(table.requires.column)})`
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
  return `INSERT INTO ${target} (${list})
    SELECT ${list} FROM ${source} ${requires}
    ON CONFLICT (${table.conflictKey.map(quote).join(', ')}) DO UPDATE SET ${assignments.join(', ')}
    WHERE ${anyNewer}
    RETURNING (xmax = 0) AS inserted`;
}

export async function upsertSnapshotRows(
  db: Queryable,
  statement: string,
  rows: readonly Record<string, unknown>[],
): Promise<UpsertCounts> {
  const result = await db.query<{ inserted: boolean }>(statement, [JSON.stringify(rows)]);
  const inserted = result.rows.filter((row) => row.inserted).length;
  const updated = result.rows.length - inserted;
  return { inserted, updated, kept: rows.length - result.rows.length };
}

/** The last migration applied: a snapshot names the schema it was written from. */
export async function latestMigration(db: Queryable): Promise<string | null> {
  const { rows } = await db.query<{ migration_name: string }>(
    `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL ORDER BY migration_name DESC LIMIT 1`,
  );
  return rows[0]?.migration_name ?? null;
}
