// The select list of a Prisma model's scalar columns, aliased to its field names, for the few hot reads
// kept in raw SQL: their rows then have exactly the generated model type, with no column list written by
// hand. Every column is its field's name in snake_case (each @map in schema.prisma follows that rule;
// test/schema-drift.test.ts holds the migrations to the schema).
const cache = new Map<object, string>();

function snakeCase(field: string): string {
  return field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/** `name_key AS "nameKey", …` for a model's ScalarFieldEnum (Prisma.ArtistCacheScalarFieldEnum). */
export function modelColumns(fields: Readonly<Record<string, string>>): string {
  let columns = cache.get(fields);
  if (columns === undefined) {
    columns = Object.values(fields)
      .map((field) => {
        const column = snakeCase(field);
        return column === field ? `"${column}"` : `"${column}" AS "${field}"`;
      })
      .join(', ');
    cache.set(fields, columns);
  }
  return columns;
}
