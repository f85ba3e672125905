import type { ProviderWait } from '../../../providers/request-lane.ts';
import { readOutcome } from '../../policy/freshness.ts';
import type { CacheReadKind, LookupResult } from './lookup-outcome.ts';

/** Puts a lookup's answers back in the order asked: one result per name, duplicates included. */
export function settleLookups<Row extends { expiresAt: Date }>(
  asked: ReadonlyArray<{ name: string; key: string | null }>,
  found: {
    stored: ReadonlyMap<string, Row>;
    fetched: ReadonlyMap<string, Row>;
    failures: ReadonlyMap<string, string>;
    /** Per key fetched: how long its provider requests waited. */
    waits?: ReadonlyMap<string, ProviderWait[]>;
    now: Date;
  },
): Array<LookupResult<Row>> {
  return asked.map(({ name, key }) => {
    const settled = settle(name, key);
    return { ...settled, waits: (key !== null && found.waits?.get(key)) || [] };
  });

  function settle(name: string, key: string | null): Omit<LookupResult<Row>, 'waits'> {
    if (key === null)
      return {
        name,
        outcome: 'invalid',
        read: null,
        entry: null,
        error: 'the name has no letters or digits to look it up by',
      };
    const before = found.stored.get(key);
    const read: CacheReadKind = readOutcome(before?.expiresAt, found.now);
    if (read === 'hit') return { name, outcome: 'hit', read, entry: before ?? null, error: null };
    const failure = found.failures.get(key);
    if (failure !== undefined) {
      return before
        ? { name, outcome: 'stale', read, entry: before, error: failure }
        : { name, outcome: 'failed', read, entry: null, error: failure };
    }
    const after = found.fetched.get(key);
    // Cleared in between (clearCache): report what there is.
    if (!after)
      return before
        ? { name, outcome: 'stale', read, entry: before, error: null }
        : { name, outcome: 'failed', read, entry: null, error: 'the entry was removed while it was fetched' };
    return { name, outcome: read === 'miss' ? 'fetched' : 'refreshed', read, entry: after, error: null };
  }
}
