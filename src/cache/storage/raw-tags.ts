import type { RawTags } from '../../enrichment/entry.ts';
import type { Prisma } from '../../generated/prisma/client.ts';

/**
 * The raw_tags column as the merge reads it. Only the entry refresher writes the column, always a JSON
 * object of provider → tags, so an object is taken as written; anything else reads as no tags.
 */
export function storedRawTags<S extends string>(value: Prisma.JsonValue | RawTags<S>): RawTags<S> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  return value as RawTags<S>;
}
