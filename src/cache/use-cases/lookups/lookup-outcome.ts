import type { ProviderWait } from '../../../providers/request-lane.ts';
import type { ReadOutcome } from '../../policy/freshness.ts';

/**
 * What a read-through lookup did for one name:
 * - `hit`: the cache had a fresh entry;
 * - `fetched`: the cache had none; it was fetched now;
 * - `refreshed`: the entry had expired; it was fetched again now;
 * - `stale`: the entry had expired and fetching failed: the expired entry is served;
 * - `failed`: the cache had none and fetching failed;
 * - `invalid`: the name has no letters or digits to key it by.
 */
export type LookupOutcome = 'hit' | 'fetched' | 'refreshed' | 'stale' | 'failed' | 'invalid';

/** How the cache stood when asked, for the API's hit rate: fresh (hit), expired (stale hit) or missing (miss). */
export type CacheReadKind = ReadOutcome;

export interface LookupResult<Row> {
  /** The name as asked. */
  name: string;
  outcome: LookupOutcome;
  /** How the cache stood before the lookup; null for an invalid name. */
  read: CacheReadKind | null;
  entry: Row | null;
  /** Why fetching failed (secrets redacted); null otherwise. */
  error: string | null;
  /** How long the fetch's provider requests waited for slots, per provider; empty when nothing was fetched or waited. */
  waits: ProviderWait[];
}

/** Largest number of names one lookup may ask for. */
export const MAX_LOOKUP_NAMES = 500;
