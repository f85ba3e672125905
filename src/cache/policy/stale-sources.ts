// Which provider parts of an entry are its last known good rather than this fetch's answer. When a
// provider fails during a fetch, the merge keeps what that provider said the last time it answered (its
// genres, styles and moods, each kept as they were) and records the failure beside them; such a part is
// stale: still served, dated by when it was really fetched, and replaced by the next answer.
import type { RawTagRecord } from '../../enrichment/entry.ts';
import { storedRawTags } from '../storage/raw-tags.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import { ALBUM_GENRE_SOURCE_ORDER, GENRE_SOURCE_ORDER } from '../../types.ts';
import type { EntrySource } from './entry-sources.ts';

/** Contract order: plex, lastfm, musicbrainz, spotify, then (albums) artist. */
const SOURCE_ORDER: readonly EntrySource[] = [...new Set([...GENRE_SOURCE_ORDER, ...ALBUM_GENRE_SOURCE_ORDER])];

export interface StaleSource {
  source: EntrySource;
  /** When the provider last answered: the kept tags are from then. */
  fetchedAt: Date;
  /** When it failed (the latest attempt). */
  failedAt: Date;
  /** What went wrong, as stored (secrets redacted when written). */
  error: string | null;
}

function validDate(text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function keptTags(record: RawTagRecord): boolean {
  return [record.genres, record.styles, record.moods].some((tags) => tags !== undefined && tags.length > 0);
}

/** The stale parts of an entry, in contract source order; empty when every part is this fetch's answer. */
export function staleSourcesOf(rawTags: Prisma.JsonValue): StaleSource[] {
  const records: Partial<Record<string, RawTagRecord>> = storedRawTags(rawTags);
  return SOURCE_ORDER.flatMap((source): StaleSource[] => {
    const record = records[source];
    if (record === undefined || record.outcome !== 'failed' || !keptTags(record)) return [];
    const fetchedAt = validDate(record.tagsFrom);
    const failedAt = validDate(record.at);
    if (fetchedAt === undefined || failedAt === undefined) return [];
    const error = record.error === undefined ? null : `${record.error.kind}: ${record.error.message}`;
    return [{ source, fetchedAt, failedAt, error }];
  });
}
