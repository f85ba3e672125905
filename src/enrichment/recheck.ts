// When a stored entry must be fetched again before its expiry. A negative entry ("nobody knows this
// artist") is a conclusion about an identity; when Plex changes that identity the conclusion is void.
import type { EntryStatus } from '../types.ts';
import { normaliseNameKey } from './text-keys.ts';

export interface StoredIdentity {
  status: EntryStatus;
  /** The name the entry was fetched for. */
  name: string;
  musicbrainzId?: string | null;
  expiresAt: Date;
}

/** What Plex says about the item now. */
export interface CurrentIdentity {
  name: string;
  musicbrainzId?: string | null;
  /** Plex's Genre and Style tags as listed now (a list view may carry only a few; any is enough). */
  plexGenres?: readonly string[];
}

export type RecheckReason = 'expired' | 'renamed' | 'musicbrainz-id' | 'plex-tags';

/** Why the entry must be fetched again now, or null when it may be served as it is. */
export function needsRecheck(stored: StoredIdentity, current: CurrentIdentity, now: Date): RecheckReason | null {
  if (stored.expiresAt.getTime() <= now.getTime()) return 'expired';
  // A rename is a different artist to every provider asked by name, whatever the old entry said.
  const storedKey = normaliseNameKey(stored.name);
  const currentKey = normaliseNameKey(current.name);
  if (storedKey === null || currentKey === null || storedKey !== currentKey) return 'renamed';
  if (stored.status !== 'empty') return null;
  const currentId = current.musicbrainzId ?? null;
  if (currentId !== null && currentId !== (stored.musicbrainzId ?? null)) return 'musicbrainz-id';
  if (current.plexGenres?.some((genre) => genre.trim() !== '')) return 'plex-tags';
  return null;
}
