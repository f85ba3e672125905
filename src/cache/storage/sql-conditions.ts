// Search texts for Prisma's `contains`, which passes LIKE wildcards through to PostgreSQL.
/** `%`, `_` and backslash of a search text escaped for LIKE (backslash is PostgreSQL's default escape character). */
export function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}
