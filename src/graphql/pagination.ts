// Page sizes and cursors of the Relay connections. Cursors are opaque to clients: base64url of the
// listing's kind and the last item's sort key (keyset pagination, so a page never shifts when rows are
// added before it). A cursor of another listing, or garbage, is a clear error.
import { InvalidInputError } from './errors.ts';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

function badInput(message: string): InvalidInputError {
  return new InvalidInputError(message);
}

/** `first` as given, or the default; out of 1..500 is an error, not a silent clamp. */
export function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw badInput(`first must be between 1 and ${MAX_PAGE_SIZE} (got ${first}); page through longer lists with after`);
  }
  return first;
}

export function encodeCursor(kind: string, key: unknown): string {
  return Buffer.from(JSON.stringify([kind, key]), 'utf8').toString('base64url');
}

/** The sort key inside a cursor of this kind; `check` narrows it to the listing's key type. */
export function decodeCursor<K>(
  kind: string,
  cursor: string | null | undefined,
  check: (key: unknown) => key is K,
): K | null {
  if (cursor === null || cursor === undefined) return null;
  assertCursorShape(cursor);
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  if (!Array.isArray(decoded) || decoded[0] !== kind || !check(decoded[1])) {
    throw badInput(`after is not a cursor of this ${kind} listing`);
  }
  return decoded[1];
}

export const isString = (value: unknown): value is string => typeof value === 'string';

export function isTuple<T extends readonly unknown[]>(
  ...checks: { [I in keyof T]: (value: unknown) => value is T[I] }
) {
  return (value: unknown): value is T =>
    Array.isArray(value) && value.length === checks.length && checks.every((check, index) => check(value[index]));
}

export const isInteger = (value: unknown): value is number => Number.isInteger(value);

/**
 * The sort key Pothos decoded from `after`, checked to be this listing's kind (a cursor of another listing
 * decodes to another shape); a client's mistake, not an internal error.
 */
export function afterKey<K>(listing: string, key: unknown, check: (key: unknown) => key is K): K {
  if (!check(key)) throw badInput(`after is not a cursor of this ${listing} listing`);
  return key;
}

/**
 * Pothos' page query for a forward page after a cursor, without Prisma's cursor: the listing says "after
 * this key" in its where instead. Prisma's cursor looks the cursor's row up again, so a page after a row
 * deleted meanwhile would come back empty; a key comparison pages on from where the last page ended.
 * Backward pages (`before`, `last`) keep Prisma's cursor.
 */
export function forwardPage<Q extends { cursor?: unknown; skip?: number }>(
  query: Q,
  after: unknown,
): Omit<Q, 'cursor' | 'skip'> | Q {
  if (after === null) return query;
  const { cursor: _cursor, skip: _skip, ...page } = query;
  return page;
}

/**
 * Pothos' own cursors (jobRuns) decode a well-formed but wrongly typed key (a string for an Int id) and
 * hand it to Prisma, whose refusal would be masked as an internal error; checked first, it is bad input.
 */
export function checkIntCursorKey(cursor: { id?: unknown } | undefined): void {
  if (cursor !== undefined && !Number.isInteger(cursor.id))
    throw badInput('after/before is not a cursor of this listing');
}

/** A cursor the server made is base64url; anything else (NUL, spaces) is refused before decoding. */
function assertCursorShape(cursor: string): void {
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(cursor)) throw badInput('after is not a cursor of this listing');
}

const PAGE_READ_ATTEMPTS = 3;

/**
 * A page read in two statements: the ids in listing order from an index, then the rows by id. An entry
 * deleted between the two would leave the page short (and hasNextPage false with more to come), so the
 * page is read again when an id found no row; the index no longer holds it then. Null when `ids` says the
 * index does not answer this page.
 */
export async function pageInIdOrder<Row extends { id: number }>(
  ids: () => Promise<number[] | null>,
  rowsOf: (ids: number[]) => Promise<Row[]>,
): Promise<Row[] | null> {
  for (let attempt = 1; ; attempt++) {
    const order = await ids();
    if (order === null) return null;
    const byId = new Map((await rowsOf(order)).map((row) => [row.id, row]));
    const page = order.flatMap((id) => byId.get(id) ?? []);
    if (page.length === order.length || attempt === PAGE_READ_ATTEMPTS) return page;
  }
}
