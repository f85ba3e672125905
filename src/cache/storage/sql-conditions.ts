// A small builder for the WHERE clause of a filtered listing: conditions and their parameters grow
// together, so a filter can never put a value into the SQL text.
export class SqlConditions {
  readonly params: unknown[] = [];
  private readonly conditions: string[] = [];

  /** Adds a parameter and returns its placeholder ($1, $2, …). */
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  add(condition: string): void {
    this.conditions.push(condition);
  }

  where(): string {
    return this.conditions.length === 0 ? '' : `WHERE ${this.conditions.join(' AND ')}`;
  }
}

/** `%`, `_` and backslash of a search text escaped for LIKE (backslash is PostgreSQL's default escape character). */
export function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

/** `%` and `_` in a search text are literal characters, not LIKE wildcards (used with ESCAPE '\'). */
export function likeContains(text: string): string {
  return `%${likeLiteral(text)}%`;
}
