// A user's corrections to one artist or album: a pinned genre list that replaces what the providers say,
// and tags blocked for this entry only. The merge applies them itself, so a refresh, a read-through
// lookup and a re-merge from stored raw tags all honour the same row.
import { displayGenre } from './genre-display.ts';
import { canonicalGenreKey, type GenreRules } from './genre-rules.ts';

export interface EntryOverrides {
  /** null: the providers decide; a list (even empty): the entry's genres are exactly these. */
  pinnedGenres: readonly string[] | null;
  /** Tags dropped from this entry in every spelling that shares their key. */
  blockedTags: readonly string[];
}

/** The keys a blocked tag matches: its own key and, through the alias table, its canonical genre's. */
export function blockedOverrideKeys(overrides: EntryOverrides | undefined, rules: GenreRules): Set<string> {
  const keys = new Set<string>();
  for (const tag of overrides?.blockedTags ?? []) {
    const key = canonicalGenreKey(tag, rules);
    if (key !== '') keys.add(key);
  }
  return keys;
}

export interface PinnedGenres {
  genres: string[];
  /** Canonical keys of the pinned genres; null when nothing is pinned. */
  pinnedKeys: ReadonlySet<string> | null;
}

/** The genres the entry shows: the pinned list, spelled as merged genres are, or the merged genres when nothing is pinned. */
export function applyPins(
  merged: readonly string[],
  overrides: EntryOverrides | undefined,
  rules: GenreRules,
): PinnedGenres {
  const pinned = overrides?.pinnedGenres;
  if (pinned === null || pinned === undefined) return { genres: [...merged], pinnedKeys: null };
  const pinnedKeys = new Set<string>();
  const genres: string[] = [];
  for (const genre of pinned) {
    const spelling = genre.replace(/\s+/gu, ' ').trim();
    const key = canonicalGenreKey(spelling, rules);
    if (key === '' || pinnedKeys.has(key)) continue;
    pinnedKeys.add(key);
    genres.push(displayGenre(key, new Map([[spelling, 1]]), rules));
  }
  return { genres, pinnedKeys };
}
