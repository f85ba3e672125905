// The read-through lookup of artists (the API's lookupArtists): everything from the cache in one query,
// then the missing and expired ones fetched now through the entry refresher, so the same merge rules,
// limiters and single-flight as the jobs apply (a name a running warm is fetching is not fetched twice).
import PQueue from 'p-queue';
import { normaliseNameKey } from '../../../enrichment/text-keys.ts';
import { redact } from '../../../providers/errors.ts';
import { type ProviderWait, runInteractive } from '../../../providers/request-lane.ts';
import type { Clock } from '../../../types.ts';
import type { ArtistEntry } from '../../storage/artist-cache.ts';
import { getArtistsByKeys } from '../../storage/artist-cache.ts';
import { getArtistOverrides } from '../../storage/entry-overrides.ts';
import type { EntryRefresher } from '../entry-refresher.ts';
import type pg from 'pg';
import type { LookupResult } from './lookup-outcome.ts';
import { settleLookups } from './settle-lookups.ts';

export interface LookupDependencies {
  db: pg.Pool;
  refresher: EntryRefresher;
  clock: Clock;
  /** Entities fetched at once. */
  concurrency: number;
}

export async function lookupArtists(
  deps: LookupDependencies,
  names: readonly string[],
): Promise<Array<LookupResult<ArtistEntry>>> {
  const keyed = names.map((name) => ({ name, key: normaliseNameKey(name) }));
  const keys = [...new Set(keyed.map((item) => item.key).filter((key): key is string => key !== null))];
  const stored = await getArtistsByKeys(deps.db, keys);
  const now = deps.clock();

  // The first spelling asked for a key is the one fetched (and stored as the entry's display name).
  const toFetch = new Map<string, string>();
  for (const { name, key } of keyed) {
    if (key === null || toFetch.has(key)) continue;
    const entry = stored.get(key);
    if (!entry || entry.expiresAt <= now) toFetch.set(key, name);
  }
  // The user's pins and blocks of everything to fetch, in one query.
  const overrides = await getArtistOverrides(deps.db, [...toFetch.keys()]);
  const queue = new PQueue({ concurrency: deps.concurrency });
  const failures = new Map<string, string>();
  const waits = new Map<string, ProviderWait[]>();
  await Promise.all(
    [...toFetch].map(([key, name]) =>
      queue.add(async () => {
        const previous = stored.get(key);
        // In the interactive lane: these requests go ahead of a running warm's (request-lane.ts).
        const { value: failure, waits: waited } = await runInteractive(async () => {
          try {
            await deps.refresher.refreshArtist(
              {
                name: previous?.name ?? name,
                plexRatingKey: previous?.plexRatingKey ?? undefined,
                musicbrainzId: previous?.musicbrainzId ?? undefined,
              },
              { previousRawTags: previous?.rawTags, overrides: overrides.get(key) },
            );
            return undefined;
          } catch (error) {
            return redact(error instanceof Error ? error.message : String(error));
          }
        });
        if (failure !== undefined) failures.set(key, failure);
        waits.set(key, waited);
      }),
    ),
  );
  const fetched =
    toFetch.size > 0
      ? await getArtistsByKeys(
          deps.db,
          [...toFetch.keys()].filter((key) => !failures.has(key)),
        )
      : new Map<string, ArtistEntry>();
  return settleLookups(keyed, { stored, fetched, failures, waits, now });
}
