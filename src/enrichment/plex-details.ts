// Plex's tags for a whole listing page read in one batched detail request, then handed to the merge
// rules entity by entity as if each had been asked alone: found, not found, or the batch's failure.
import { callProvider, type ProviderOutcome } from './provider-call.ts';
import type { PlexTagSet } from './plex-tags.ts';

/** A batched detail read, e.g. `PlexClient.artistDetails`. */
export type PlexDetailsFetcher<T extends PlexTagSet> = (
  ratingKeys: readonly string[],
  signal?: AbortSignal,
) => Promise<Map<string, T>>;

/** What Plex said about one ratingKey of the batch. */
export type PlexDetailOutcomes = (ratingKey: string) => ProviderOutcome<PlexTagSet>;

/**
 * Reads the details of `ratingKeys` in batched requests. A failed batch is a failure for each of its
 * entities (their entries become partial, as a failed single request would make them), never a reason
 * to fall back to one request per entity. Rethrows only cancellation.
 */
export async function readPlexDetails<T extends PlexTagSet>(
  fetch: PlexDetailsFetcher<T>,
  ratingKeys: readonly string[],
  signal?: AbortSignal,
): Promise<PlexDetailOutcomes> {
  if (ratingKeys.length === 0) return () => ({ status: 'not-found' });
  const outcome = await callProvider(fetch, ratingKeys, signal);
  return (ratingKey) => {
    if (outcome.status !== 'answered') return outcome;
    const item = outcome.value.get(ratingKey);
    return item === undefined
      ? { status: 'not-found' }
      : { status: 'answered', value: { genres: item.genres, styles: item.styles, moods: item.moods } };
  };
}
