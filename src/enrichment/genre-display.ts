// The readable form stored in the cache. It must be the same for every entry that has the genre,
// since clients filter with exact array matches: a canonical spelling when the table has one, else the
// most common spelling seen, title-cased when it came all in lower case (Last.fm's habit).
import type { GenreRules } from './genre-rules.ts';

/** Spellings of one genre as providers gave them, with how often each was seen, in the order first seen. */
export type SpellingCounts = ReadonlyMap<string, number>;

function titleCaseWord(word: string, first: boolean, rules: GenreRules): string {
  if (rules.uppercaseWords.has(word)) return word.toUpperCase();
  if (!first && rules.lowercaseWords.has(word)) return word;
  // Hyphenated and slashed parts are words of their own: `synth-pop` → `Synth-Pop`, `pop/rock` → `Pop/Rock`.
  return word.replace(
    /(^|[-/])(\p{Ll})/gu,
    (_match, separator: string, letter: string) => separator + letter.toUpperCase(),
  );
}

/** Title case for an all-lower-case spelling; a spelling that already has capitals was written by someone and is kept. */
export function titleCaseGenre(spelling: string, rules: GenreRules): string {
  const tidy = spelling.normalize('NFKC').replace(/\s+/gu, ' ').trim();
  if (/\p{Lu}/u.test(tidy)) return tidy;
  return tidy
    .split(' ')
    .map((word, index) => titleCaseWord(word, index === 0, rules))
    .join(' ');
}

/** The display form of the genre with this canonical key. */
export function displayGenre(key: string, spellings: SpellingCounts, rules: GenreRules): string {
  const canonical = rules.canonical.get(key);
  if (canonical !== undefined && canonical.key === key) return canonical.display;
  // Case-only differences (`indie rock` from Last.fm, `Indie Rock` from Plex) are one spelling.
  const tally = new Map<string, number>();
  for (const [spelling, count] of spellings) {
    const cased = titleCaseGenre(spelling, rules);
    tally.set(cased, (tally.get(cased) ?? 0) + count);
  }
  let best: string | undefined;
  let bestCount = 0;
  for (const [spelling, count] of tally) {
    // Strictly greater: on a tie the spelling seen first (the higher-priority provider) wins.
    if (count > bestCount) {
      best = spelling;
      bestCount = count;
    }
  }
  return best ?? titleCaseGenre(key, rules);
}
