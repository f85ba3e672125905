// Names and titles for the synthetic library, plus the near-miss names search services return around them.
import type { Rng } from './random.ts';
import {
  ADJECTIVES,
  CYRILLIC_SYLLABLES,
  FIRST_NAMES,
  GREEK_FIRST_NAMES,
  GREEK_LAST_NAMES,
  JAPANESE_FAMILY_NAMES,
  JAPANESE_GIVEN_NAMES,
  KOREAN_FAMILY_NAMES,
  KOREAN_GIVEN_NAMES,
  LAST_NAMES,
  NOUNS,
  PLURAL_NOUNS,
  ROMAN_NUMERALS,
  VERBS_ING,
} from './vocabulary.ts';

export type ArtistType = 'Person' | 'Group';

export interface GeneratedName {
  name: string;
  type: ArtistType;
  /** MusicBrainz style: "Last, First" for people, "Wolves, The" for bands with an article. */
  sortName: string;
}

function person(first: string, last: string): GeneratedName {
  return { name: `${first} ${last}`, type: 'Person', sortName: `${last}, ${first}` };
}

function group(name: string): GeneratedName {
  const article = /^The (.+)$/.exec(name);
  return { name, type: 'Group', sortName: article?.[1] !== undefined ? `${article[1]}, The` : name };
}

export function generateArtistName(rng: Rng): GeneratedName {
  const style = rng.weighted<string>([
    ['the-adjective-nouns', 14],
    ['adjective-nouns', 12],
    ['noun', 6],
    ['person', 20],
    ['dj', 4],
    ['and-the', 6],
    ['duo-ampersand', 5],
    ['duo-and', 3],
    ['possessive', 4],
    ['exclaim', 2],
    ['dotted', 2],
    ['japanese', 3],
    ['korean', 2],
    ['cyrillic', 2],
    ['greek', 2],
  ]);
  switch (style) {
    case 'the-adjective-nouns':
      return group(`The ${rng.pick(ADJECTIVES)} ${rng.pick(PLURAL_NOUNS)}`);
    case 'adjective-nouns':
      return group(`${rng.pick(ADJECTIVES)} ${rng.pick(PLURAL_NOUNS)}`);
    case 'noun':
      return group(`${rng.pick(NOUNS)}${rng.pick(['', 'fall', 'wave', 'light', 'ward'])}`);
    case 'person':
      return person(rng.pick(FIRST_NAMES), rng.pick(LAST_NAMES));
    case 'dj': {
      const name = `DJ ${rng.pick(FIRST_NAMES)}`;
      return { name, type: 'Person', sortName: name };
    }
    case 'and-the':
      return group(`${rng.pick(FIRST_NAMES)} & the ${rng.pick(PLURAL_NOUNS)}`);
    case 'duo-ampersand':
      return group(`${rng.pick(LAST_NAMES)} & ${rng.pick(LAST_NAMES)}`);
    case 'duo-and':
      return group(`${rng.pick(FIRST_NAMES)} and ${rng.pick(FIRST_NAMES)}`);
    case 'possessive':
      return group(`${rng.pick(FIRST_NAMES)}'s ${rng.pick(PLURAL_NOUNS)}`);
    case 'exclaim':
      return group(`${rng.pick(PLURAL_NOUNS)}!`);
    case 'dotted':
      return group(`${rng.pick(NOUNS)}.${rng.pick(NOUNS).toLowerCase()}`);
    case 'japanese': {
      const family = rng.pick(JAPANESE_FAMILY_NAMES);
      const given = rng.pick(JAPANESE_GIVEN_NAMES);
      return { name: `${family}${given}`, type: 'Person', sortName: `${family}${given}` };
    }
    case 'korean': {
      const name = `${rng.pick(KOREAN_FAMILY_NAMES)}${rng.pick(KOREAN_GIVEN_NAMES)}`;
      return { name, type: 'Person', sortName: name };
    }
    case 'cyrillic': {
      const syllables = rng.int(2, 4);
      let word = '';
      for (let i = 0; i < syllables; i++) word += rng.pick(CYRILLIC_SYLLABLES);
      const name = word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();
      return group(name);
    }
    default: {
      const first = rng.pick(GREEK_FIRST_NAMES);
      const last = rng.pick(GREEK_LAST_NAMES);
      return person(first, last);
    }
  }
}

export function generateAlbumTitle(rng: Rng): string {
  const style = rng.int(0, 7);
  switch (style) {
    case 0:
      return `${rng.pick(ADJECTIVES)} ${rng.pick(NOUNS)}`;
    case 1:
      return `The ${rng.pick(NOUNS)} ${rng.pick(NOUNS)}`;
    case 2:
      return `${rng.pick(PLURAL_NOUNS)} of ${rng.pick(NOUNS)}`;
    case 3:
      return rng.pick(NOUNS);
    case 4:
      return `Songs for ${rng.pick(FIRST_NAMES)}`;
    case 5:
      return `${rng.pick(VERBS_ING)} ${rng.pick(NOUNS)}`;
    case 6:
      return `${rng.pick(NOUNS)} ${rng.pick(ROMAN_NUMERALS)}`;
    default:
      return String(rng.int(1975, 2025));
  }
}

export interface GeneratedTrackTitle {
  title: string;
  /** A featured artist: Plex puts the track artist in `originalTitle` when it differs. */
  featuring?: string;
}

export function generateTrackTitle(rng: Rng): GeneratedTrackTitle {
  const roll = rng.next();
  if (roll < 0.05) {
    const featuring = `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`;
    return { title: `${rng.pick(NOUNS)} (feat. ${featuring})`, featuring };
  }
  if (roll < 0.08) return { title: 'Interlude' };
  if (roll < 0.12) return { title: `${rng.pick(NOUNS)} (Live)` };
  if (roll < 0.15) return { title: `${rng.pick(ADJECTIVES)} ${rng.pick(NOUNS)} - Remastered ${rng.int(2001, 2024)}` };
  if (roll < 0.45) return { title: `${rng.pick(ADJECTIVES)} ${rng.pick(NOUNS)}` };
  if (roll < 0.65) return { title: `${rng.pick(VERBS_ING)} ${rng.pick(NOUNS)}` };
  if (roll < 0.85) return { title: rng.pick(NOUNS) };
  return { title: `${rng.pick(NOUNS)} ${rng.pick(['Song', 'Blues', 'Theme', 'Waltz', 'Dance'])}` };
}

/** The spelling Last.fm's autocorrect maps onto its own: missing or extra article, `&` for `and`. */
export function autocorrectVariant(name: string): string {
  if (/ & /.test(name)) return name.replace(/ & /g, ' and ');
  if (/ and /.test(name)) return name.replace(/ and /g, ' & ');
  if (name.startsWith('The ')) return name.slice(4);
  return `The ${name}`;
}

/** Case-, width- and space-insensitive key: how Last.fm matches names (diacritics still count). */
export function caseKey(name: string): string {
  return name.normalize('NFKC').toLowerCase().trim().replace(/\s+/g, ' ');
}

/** Also diacritic-insensitive: how Spotify and MusicBrainz search match names ("Bjork" finds "Björk"). */
export function foldKey(name: string): string {
  return caseKey(name.normalize('NFKD').replace(/\p{M}/gu, '')).normalize('NFKC');
}

/** Letters and digits only: two names with the same skeleton would be indistinguishable to a normaliser. */
export function skeletonKey(name: string): string {
  return foldKey(name).replace(/[^\p{L}\p{N}]/gu, '');
}

/**
 * Names a search service ranks near `query` although they are other artists ("Low" → "Lowe", "Flow").
 * Each differs in its letters, not only in case or punctuation, so a careful client can tell them apart.
 */
export function nearMissNames(query: string, rng: Rng): string[] {
  const trimmed = query.trim();
  if (trimmed === '') return [];
  const first = trimmed.charAt(0);
  const latinStart = /[A-Za-z]/.test(first);
  const candidates = [
    `${trimmed}e`,
    latinStart ? `F${first.toLowerCase()}${trimmed.slice(1)}` : `DJ ${trimmed}`,
    `${trimmed} ${rng.pick(['Roar', 'Cut Connie', 'Society', 'Collective', 'Orchestra'])}`,
    `The ${trimmed} Anthem`,
    `${trimmed} Tribute Band`,
    `${trimmed}s`,
    `${trimmed} Trio`,
  ];
  const seen = new Set<string>([skeletonKey(trimmed)]);
  const distinct: string[] = [];
  for (const candidate of candidates) {
    const key = skeletonKey(candidate);
    if (seen.has(key)) continue;
    seen.add(key);
    distinct.push(candidate);
  }
  // The two one-letter edits always come back: they are the ones a sloppy match takes for the artist.
  const [added, prefixed, ...rest] = distinct;
  const out = [added, prefixed].filter((name): name is string => name !== undefined);
  return [...out, ...rng.sample(rest, rng.int(1, 4))];
}
