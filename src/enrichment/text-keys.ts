// Comparison keys for names and genres. Keys are for matching only; nothing displayed is ever built from them.

// Letters that carry no combining mark under NFD but that readers treat as a plain letter (or two).
const LETTER_FOLDS: Readonly<Record<string, string>> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ł: 'l',
  ı: 'i',
  ς: 'σ',
};
const FOLDABLE_LETTERS = /[ßæœøđðþłıς]/gu;

// Accents are dropped only after Latin and Greek letters. Elsewhere a combining mark changes the letter
// itself (Japanese voicing marks: バ is not ハ; Devanagari vowel signs), so stripping them would merge
// different names.
const MARKS_AFTER_LATIN_OR_GREEK = /([\p{Script=Latin}\p{Script=Greek}])\p{M}+/gu;

// Zero-width and control characters are invisible in Plex's UI but make two equal-looking names differ.
const INVISIBLES = /[\p{Cf}\p{Cc}]/gu;
const SINGLE_QUOTES = /[‘’‚‛′`´]/g;
const DOUBLE_QUOTES = /[“”„‟″]/g;
const DASHES = /[‐‑‒–—―−﹘﹣－]/g;

/** Compatibility, case and accent folding shared by every key. */
export function foldText(text: string): string {
  return text
    .normalize('NFKC')
    .replace(INVISIBLES, '')
    .toLowerCase()
    .normalize('NFD')
    .replace(MARKS_AFTER_LATIN_OR_GREEK, '$1')
    .normalize('NFC')
    .replace(FOLDABLE_LETTERS, (letter) => LETTER_FOLDS[letter] ?? letter)
    .replace(SINGLE_QUOTES, "'")
    .replace(DOUBLE_QUOTES, '"')
    .replace(DASHES, '-');
}

/**
 * The unique cache key of an artist or album name: folded, `&` read as "and", punctuation dropped,
 * spaces collapsed, so `Björk`/`björk`, `Simon & Garfunkel`/`Simon and Garfunkel` and `Guns N' Roses`/
 * `Guns N’ Roses` share a key. A name made only of punctuation (`!!!`) keeps it, so it still has a key of
 * its own. Returns null when nothing is left: such a name must never match another one.
 */
export function normaliseNameKey(name: string): string | null {
  const folded = foldText(name).replace(/\s+/gu, ' ').trim();
  if (folded === '') return null;
  const words = folded
    .replace(/&/g, ' and ')
    .replace(/[^\p{L}\p{N}\s]+/gu, '')
    .replace(/\s+/gu, ' ')
    .trim();
  return words === '' ? folded : words;
}

/**
 * The deduplication key of a genre (before aliases): folded, apostrophes removed, `&`, `+`, `and` and a
 * lone `n` all read as one connector, and every other separator dropped. `hip-hop`, `Hip Hop` and
 * `hiphop` share `hiphop`; `drum & bass`, `drum and bass` and `drum'n'bass` share `drumnbass`.
 * The empty string means "no genre" and is never looked up.
 */
export function genreKey(tag: string): string {
  const words = foldText(tag)
    .replace(/["']/g, '')
    .replace(/[&+]/g, ' n ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  const parts = words.split(' ').map((word) => (word === 'and' ? 'n' : word));
  // A connector alone (`&`, `and`) joins nothing: it is not a genre.
  return parts.every((part) => part === 'n') ? '' : parts.join('');
}
