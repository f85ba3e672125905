// The shape of an enriched cache entry and the rules shared by artists and albums: what is kept per
// provider (raw tags), how `source` is spelled, and which status the entry gets.
import type { Clock, EntryStatus, WeightedTag } from '../types.ts';
import type { EntryOverrides } from './entry-overrides.ts';
import type { MergedTags, MergeSettings, TagList } from './genre-merge.ts';
import type { ProviderFailure, ProviderOutcome } from './provider-call.ts';
import type { TagFacets } from './tag-facets.ts';

/** One provider's part of an entry, as stored in `raw_tags` (jsonb), so the entry can be re-merged without new requests. */
export interface RawTagRecord {
  outcome: 'answered' | 'not-found' | 'cannot-say' | 'failed';
  /** When this attempt was made (ISO 8601). */
  at: string;
  genres?: WeightedTag[];
  styles?: WeightedTag[];
  moods?: WeightedTag[];
  /** Why the provider cannot say (outcome `cannot-say`). */
  reason?: string;
  /** What went wrong (outcome `failed`). */
  error?: ProviderFailure;
  /** On a failed attempt that kept the tags of an earlier answer: when that answer was fetched. */
  tagsFrom?: string;
}

export type RawTags<S extends string> = Partial<Record<S, RawTagRecord>>;

/** What the store writes for one artist or album. */
export interface EnrichedEntry<S extends string> {
  genres: string[];
  styles: string[];
  moods: string[];
  /** Eras, places, instruments, labels and release types from free-form tags. */
  facets: TagFacets;
  /** Contract: contributors comma-joined in source order, or `none`. */
  source: string;
  sources: S[];
  status: EntryStatus;
  rawTags: RawTags<S>;
  lastError: string | null;
  fetchedAt: Date;
}

export type RecordTags = Pick<RawTagRecord, 'genres' | 'styles' | 'moods'>;

/** Per-call options of enrichArtist and enrichAlbum. */
export interface EnrichRunOptions<S extends string> {
  clock?: Clock;
  signal?: AbortSignal;
  /** The stored entry's raw tags: a provider that fails now keeps its last answer instead of losing it. */
  previousRawTags?: RawTags<S>;
  /** Called once when the entry goes on to the slow fallback providers (a warm gives its slot back then). */
  onFallback?: () => void;
  /** The user's pins and blocks for this entry. */
  overrides?: EntryOverrides;
}

/**
 * The merge settings that decide whether to ask the fallback providers: blocks count (a block that empties
 * the first providers' genres asks the next), pins do not (a pinned list is not the providers' answer, and
 * the raw tags stay complete for the day the pin is lifted).
 */
export function fallbackMergeSettings(merge: MergeSettings): MergeSettings {
  const blockedTags = merge.overrides?.blockedTags ?? [];
  return { ...merge, overrides: { pinnedGenres: null, blockedTags } };
}

function hasTags(record: RawTagRecord | undefined): record is RawTagRecord {
  return (
    record !== undefined &&
    [record.genres, record.styles, record.moods].some((tags) => tags !== undefined && tags.length > 0)
  );
}

/**
 * The raw record of one call; undefined when the provider is not configured (nothing to keep). A failure
 * keeps the tags of the previous answer, so a throttled refresh never erases what a provider said before.
 */
export function rawRecord<T>(
  outcome: ProviderOutcome<T>,
  at: Date,
  tagsOf: (value: T) => RecordTags,
  previous: RawTagRecord | undefined,
): RawTagRecord | undefined {
  const when = at.toISOString();
  switch (outcome.status) {
    case 'not-configured':
      return undefined;
    case 'answered':
      return { outcome: 'answered', at: when, ...tagsOf(outcome.value) };
    case 'not-found':
      return { outcome: 'not-found', at: when };
    case 'cannot-say':
      return { outcome: 'cannot-say', at: when, reason: outcome.reason };
    case 'failed': {
      const record: RawTagRecord = { outcome: 'failed', at: when, error: outcome.failure };
      if (!hasTags(previous)) return record;
      const kept: RawTagRecord = { ...record, tagsFrom: previous.tagsFrom ?? previous.at };
      if (previous.genres) kept.genres = previous.genres;
      if (previous.styles) kept.styles = previous.styles;
      if (previous.moods) kept.moods = previous.moods;
      return kept;
    }
  }
}

export function plainTags(names: readonly string[]): WeightedTag[] {
  return names.map((name) => ({ name }));
}

/** How one provider's record is read by the merge. */
export interface ListSpec<S extends string> {
  source: S;
  weighting: TagList<S>['weighting'];
  minWeight?: number;
  routeMoods?: boolean;
  routeFacets?: boolean;
}

export function tagLists<S extends string>(record: RawTagRecord | undefined, spec: ListSpec<S>): TagList<S>[] {
  if (record === undefined) return [];
  const base = {
    source: spec.source,
    weighting: spec.weighting,
    minWeight: spec.minWeight,
    routeMoods: spec.routeMoods,
    routeFacets: spec.routeFacets,
  };
  const lists: TagList<S>[] = [];
  if (record.genres?.length) lists.push({ ...base, facet: 'genre', tags: record.genres });
  if (record.styles?.length) lists.push({ ...base, facet: 'style', tags: record.styles });
  if (record.moods?.length) lists.push({ ...base, facet: 'mood', tags: record.moods });
  return lists;
}

/**
 * `empty` only when every provider asked answered and none knew the entity; a failure makes the entry
 * `partial` (some answered) or `error` (none did). Providers that are not configured or cannot say were
 * not asked in any useful sense and change nothing.
 */
function entryStatus(records: readonly (RawTagRecord | undefined)[], hasData: boolean): EntryStatus {
  const asked = records.filter(
    (record): record is RawTagRecord => record !== undefined && record.outcome !== 'cannot-say',
  );
  const failed = asked.filter((record) => record.outcome === 'failed').length;
  if (failed > 0) return failed === asked.length ? 'error' : 'partial';
  return hasData ? 'ok' : 'empty';
}

function sourceList<S extends string>(contributors: ReadonlySet<S>, order: readonly S[]): S[] {
  return order.filter((source) => contributors.has(source));
}

function lastErrorOf<S extends string>(rawTags: RawTags<S>, order: readonly S[]): string | null {
  const parts: string[] = [];
  for (const source of order) {
    const error = rawTags[source]?.error;
    if (error) parts.push(`${source} ${error.kind}: ${error.message}`);
  }
  return parts.length > 0 ? parts.join('; ') : null;
}

/** Assembles the entry from the merged tags and the raw records. */
export function buildEntry<S extends string>(
  merged: MergedTags<S>,
  rawTags: RawTags<S>,
  order: readonly S[],
  fetchedAt: Date,
): EnrichedEntry<S> {
  const sources = sourceList(merged.contributors, order);
  const hasData = merged.genres.length + merged.styles.length + merged.moods.length > 0;
  return {
    genres: merged.genres,
    styles: merged.styles,
    moods: merged.moods,
    facets: merged.facets,
    source: sources.length > 0 ? sources.join(',') : 'none',
    sources,
    status: entryStatus(
      order.map((source) => rawTags[source]),
      hasData,
    ),
    rawTags,
    lastError: lastErrorOf(rawTags, order),
    fetchedAt,
  };
}
