// Fans tag an artist with its own name, and an album with its artist's and its own. Those tags are not
// genres, and they come in more spellings than the credit Plex shows:
// - a credit names several artists (`Jay-Z feat. Alicia Keys`, `Simon & Garfunkel`, `Tyler, The Creator`
//   is one artist but `Lil Nas X, Billy Ray Cyrus` is two): each credited artist's name is an own name;
// - a band is tagged without its leading article (`beatles`, `prodigy`, `xx`).
// A part of a credit that is itself a genre (`Jazz & Blues Orchestra` → `jazz`) stays a genre: only the
// whole name, and parts that name no known genre, are dropped.
import { type GenreRules, isBlockedGenreKey } from './genre-rules.ts';
import { genreKey } from './text-keys.ts';

// `feat.`, `ft.`, `featuring`, `with`, `vs.`, `x`, `meets`, `presents`/`pres.` between names, `&`, `+`,
// `and`, commas and slashes.
const CREDIT_SEPARATORS =
  /\s+(?:feat\.?|ft\.?|featuring|with|vs\.?|versus|x|and|meets|presents|pres\.)\s+|\s*[&+,/]\s*/giu;
const LEADING_ARTICLE = /^(?:the|a|an|les|los|las|die|der|das|el|la|le)\s+/iu;

function withoutArticle(name: string): string {
  return name.replace(LEADING_ARTICLE, '');
}

/**
 * The genre keys of an entry's own names: each full name and its form without a leading article, and
 * every credited artist of a multi-artist credit (with and without article) that is not a known genre.
 */
export function ownNameKeys(names: readonly string[], rules: GenreRules): Set<string> {
  const keys = new Set<string>();
  const add = (text: string, unlessGenre: boolean) => {
    const key = genreKey(text);
    if (key === '') return;
    if (unlessGenre && (rules.canonical.has(key) || isBlockedGenreKey(key, rules))) return;
    keys.add(key);
  };
  for (const name of names) {
    const trimmed = name.replace(/\s+/gu, ' ').trim();
    add(trimmed, false);
    add(withoutArticle(trimmed), true);
    const parts = trimmed.split(CREDIT_SEPARATORS).map((part) => part.trim());
    if (parts.length < 2) continue;
    for (const part of parts) {
      add(part, true);
      add(withoutArticle(part), true);
    }
  }
  return keys;
}
