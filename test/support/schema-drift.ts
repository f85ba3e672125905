// Compares prisma/schema.prisma (parsed by Prisma's own WASM schema parser) with a migrated
// database: tables, columns, types, nullability, enums and indexes. Used by test/schema-drift.test.ts;
// see the README's development section for why this replaces `prisma migrate diff` here.
import { readFile } from 'node:fs/promises';
import prismaSchemaWasm from '@prisma/prisma-schema-wasm';
import type pg from 'pg';

interface DmmfField {
  name: string;
  dbName?: string;
  kind: 'scalar' | 'object' | 'enum' | 'unsupported';
  isList: boolean;
  isRequired: boolean;
  type: string;
  nativeType: [string, string[]] | null;
}
interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
}
interface DmmfEnum {
  name: string;
  dbName?: string | null;
  values: Array<{ name: string; dbName?: string | null }>;
}
interface DmmfIndex {
  model: string;
  type: 'id' | 'unique' | 'normal' | 'fulltext';
  dbName?: string;
  algorithm?: string;
  fields: Array<{ name: string; sortOrder?: 'asc' | 'desc' }>;
}
interface Dmmf {
  datamodel: { models: DmmfModel[]; enums: DmmfEnum[]; indexes: DmmfIndex[] };
}

const SCALAR_TYPES: Record<string, string> = {
  String: 'text',
  Int: 'integer',
  BigInt: 'bigint',
  Float: 'double precision',
  Boolean: 'boolean',
  Json: 'jsonb',
  DateTime: 'timestamp(3) without time zone',
  Decimal: 'numeric(65,30)',
  Bytes: 'bytea',
};
const NATIVE_TYPES: Record<string, (args: string[]) => string> = {
  Timestamptz: (args) => `timestamp(${args[0] ?? '6'}) with time zone`,
  Timestamp: (args) => `timestamp(${args[0] ?? '6'}) without time zone`,
  Text: () => 'text',
  Uuid: () => 'uuid',
  Integer: () => 'integer',
  SmallInt: () => 'smallint',
  Real: () => 'real',
  DoublePrecision: () => 'double precision',
  VarChar: (args) => (args[0] ? `character varying(${args[0]})` : 'character varying'),
  JsonB: () => 'jsonb',
};

export interface ColumnShape {
  type: string;
  nullable: boolean;
}
export interface IndexShape {
  table: string;
  unique: boolean;
  primary: boolean;
  method: string;
  columns: string[];
}
export interface SchemaShape {
  tables: Record<string, Record<string, ColumnShape>>;
  enums: Record<string, string[]>;
  indexes: Record<string, IndexShape>;
}

export async function expectedShape(schemaPath: string): Promise<SchemaShape> {
  const schema = await readFile(schemaPath, 'utf8');
  const dmmf = JSON.parse(prismaSchemaWasm.get_dmmf(JSON.stringify({ prismaSchema: schema }))) as Dmmf;
  const enumDbName = new Map(dmmf.datamodel.enums.map((e) => [e.name, e.dbName ?? e.name]));
  const shape: SchemaShape = { tables: {}, enums: {}, indexes: {} };
  for (const e of dmmf.datamodel.enums) {
    shape.enums[e.dbName ?? e.name] = e.values.map((value) => value.dbName ?? value.name);
  }
  const columnOf = new Map<string, Map<string, string>>();
  for (const model of dmmf.datamodel.models) {
    const table = model.dbName ?? model.name;
    const columns: Record<string, ColumnShape> = {};
    const names = new Map<string, string>();
    for (const field of model.fields) {
      if (field.kind === 'object') continue;
      const column = field.dbName ?? field.name;
      names.set(field.name, column);
      let type: string;
      if (field.kind === 'enum') type = enumDbName.get(field.type) ?? field.type;
      else if (field.nativeType) {
        const render = NATIVE_TYPES[field.nativeType[0]];
        if (!render) throw new Error(`schema-drift: add native type ${field.nativeType[0]} to NATIVE_TYPES`);
        type = render(field.nativeType[1]);
      } else {
        const scalar = SCALAR_TYPES[field.type];
        if (!scalar) throw new Error(`schema-drift: add scalar type ${field.type} to SCALAR_TYPES`);
        type = scalar;
      }
      // Prisma creates scalar-list columns without NOT NULL.
      columns[column] = { type: field.isList ? `${type}[]` : type, nullable: field.isList || !field.isRequired };
    }
    shape.tables[table] = columns;
    columnOf.set(model.name, names);
  }
  for (const index of dmmf.datamodel.indexes) {
    const model = dmmf.datamodel.models.find((candidate) => candidate.name === index.model);
    if (!model) continue;
    const table = model.dbName ?? model.name;
    const names = columnOf.get(model.name) ?? new Map<string, string>();
    const columns = index.fields.map((field) => {
      const column = names.get(field.name) ?? field.name;
      return field.sortOrder === 'desc' ? `${column} DESC` : column;
    });
    const plainColumns = index.fields.map((field) => names.get(field.name) ?? field.name);
    const name =
      index.dbName ??
      (index.type === 'id'
        ? `${table}_pkey`
        : `${table}_${plainColumns.join('_')}_${index.type === 'unique' ? 'key' : 'idx'}`);
    shape.indexes[name] = {
      table,
      unique: index.type === 'id' || index.type === 'unique',
      primary: index.type === 'id',
      method: (index.algorithm ?? 'BTree').toLowerCase(),
      columns,
    };
  }
  return shape;
}

export async function actualShape(
  pool: pg.Pool,
  ignoreTables: string[] = ['_prisma_migrations'],
): Promise<SchemaShape> {
  const shape: SchemaShape = { tables: {}, enums: {}, indexes: {} };
  const columns = await pool.query<{ table_name: string; column_name: string; type: string; nullable: boolean }>(`
    SELECT c.relname AS table_name, a.attname AS column_name,
           format_type(a.atttypid, a.atttypmod) AS type, NOT a.attnotnull AS nullable
      FROM pg_attribute a
      JOIN pg_class c ON c.oid = a.attrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped`);
  for (const row of columns.rows) {
    if (ignoreTables.includes(row.table_name)) continue;
    shape.tables[row.table_name] ??= {};
    // format_type quotes nothing for our lower-case enum names; integer[] etc. come back as written.
    (shape.tables[row.table_name] as Record<string, ColumnShape>)[row.column_name] = {
      type: row.type.replace(/^"(.*)"$/, '$1'),
      nullable: row.nullable,
    };
  }
  const enums = await pool.query<{ name: string; value: string }>(`
    SELECT t.typname AS name, e.enumlabel AS value
      FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
      JOIN pg_namespace n ON n.oid = t.typnamespace
     WHERE n.nspname = 'public' ORDER BY t.typname, e.enumsortorder`);
  for (const row of enums.rows) {
    shape.enums[row.name] ??= [];
    shape.enums[row.name]?.push(row.value);
  }
  const indexes = await pool.query<{
    index_name: string;
    table_name: string;
    unique: boolean;
    primary: boolean;
    method: string;
    columns: string[];
  }>(`
    SELECT i.relname AS index_name, t.relname AS table_name, x.indisunique AS unique, x.indisprimary AS primary,
           am.amname AS method,
           array(SELECT a.attname || CASE WHEN (x.indoption[k.ord - 1] & 1) = 1 THEN ' DESC' ELSE '' END
                   FROM unnest(x.indkey) WITH ORDINALITY AS k(attnum, ord)
                   JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
                  ORDER BY k.ord) AS columns
      FROM pg_index x
      JOIN pg_class i ON i.oid = x.indexrelid
      JOIN pg_class t ON t.oid = x.indrelid
      JOIN pg_am am ON am.oid = i.relam
      JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE n.nspname = 'public'`);
  for (const row of indexes.rows) {
    if (ignoreTables.includes(row.table_name)) continue;
    shape.indexes[row.index_name] = {
      table: row.table_name,
      unique: row.unique,
      primary: row.primary,
      method: row.method,
      columns: row.columns,
    };
  }
  return shape;
}

/** Every disagreement, one readable line each; empty when the two agree. */
export function schemaDifferences(expected: SchemaShape, actual: SchemaShape): string[] {
  const problems: string[] = [];
  const keys = (a: object, b: object) => [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  for (const table of keys(expected.tables, actual.tables)) {
    const want = expected.tables[table];
    const have = actual.tables[table];
    if (!want) problems.push(`table ${table} is in the database but not in schema.prisma`);
    else if (!have) problems.push(`table ${table} is in schema.prisma but not in the database`);
    else {
      for (const column of keys(want, have)) {
        const w = want[column];
        const h = have[column];
        if (!w) problems.push(`column ${table}.${column} is in the database but not in schema.prisma`);
        else if (!h) problems.push(`column ${table}.${column} is in schema.prisma but not in the database`);
        else {
          if (w.type !== h.type)
            problems.push(`column ${table}.${column}: schema.prisma says ${w.type}, database has ${h.type}`);
          if (w.nullable !== h.nullable)
            problems.push(
              `column ${table}.${column}: schema.prisma says ${w.nullable ? 'nullable' : 'NOT NULL'}, database has ${h.nullable ? 'nullable' : 'NOT NULL'}`,
            );
        }
      }
    }
  }
  for (const name of keys(expected.enums, actual.enums)) {
    const want = JSON.stringify(expected.enums[name] ?? null);
    const have = JSON.stringify(actual.enums[name] ?? null);
    if (want !== have) problems.push(`enum ${name}: schema.prisma says ${want}, database has ${have}`);
  }
  for (const name of keys(expected.indexes, actual.indexes)) {
    const want = expected.indexes[name];
    const have = actual.indexes[name];
    if (!want) problems.push(`index ${name} is in the database but not in schema.prisma`);
    else if (!have) problems.push(`index ${name} is in schema.prisma but not in the database`);
    else if (JSON.stringify(want) !== JSON.stringify(have))
      problems.push(`index ${name}: schema.prisma says ${JSON.stringify(want)}, database has ${JSON.stringify(have)}`);
  }
  return problems;
}
