// Free-form tags (Last.fm, MusicBrainz, Spotify) say more than genres: when, where, on what, on which
// label and what kind of release. Those tags are not genres, and filing them as genres both hides real
// genres under the MAX_GENRES cut and puts `british` beside `shoegaze`. This module knows the vocabulary
// of each such facet (shipped data files, plus decades and years recognised from their figures) and says
// which facet a tag belongs to, if any.
import { z } from 'zod';
import eraData from './data/facet-eras.json' with { type: 'json' };
import instrumentData from './data/facet-instruments.json' with { type: 'json' };
import labelData from './data/facet-labels.json' with { type: 'json' };
import placeData from './data/facet-places.json' with { type: 'json' };
import releaseTypeData from './data/facet-release-types.json' with { type: 'json' };
import { genreKey } from './text-keys.ts';

/** What a routed tag is; each has its own list on the entry (see FACET_FIELDS). */
export type FacetKind = 'era' | 'place' | 'instrument' | 'label' | 'releaseType';

/** The entry's facet lists, strongest first, each cut at its own limit. */
export interface TagFacets {
  eras: string[];
  places: string[];
  instruments: string[];
  labels: string[];
  releaseTypes: string[];
}

export type FacetLimits = Readonly<Record<keyof TagFacets, number>>;

/** The entry list each kind of tag goes to. */
export const FACET_FIELDS: Readonly<Record<FacetKind, keyof TagFacets>> = {
  era: 'eras',
  place: 'places',
  instrument: 'instruments',
  label: 'labels',
  releaseType: 'releaseTypes',
};

/** Used where configuration gives none (MAX_ERAS, MAX_PLACES, …); Picard's Last.fm.ng keeps one to four per facet. */
export const DEFAULT_FACET_LIMITS: FacetLimits = { eras: 2, places: 3, instruments: 3, labels: 2, releaseTypes: 3 };

export function emptyFacets(): TagFacets {
  return { eras: [], places: [], instruments: [], labels: [], releaseTypes: [] };
}

/** The facet a tag was routed to: its kind, the key its spellings share, and a display form when the vocabulary fixes one. */
export interface FacetMatch {
  kind: FacetKind;
  key: string;
  display?: string;
}

const vocabularySchema = z.object({
  canonical: z.record(z.string(), z.array(z.string())),
  patterns: z.array(z.string()).optional(),
});

interface Vocabulary {
  kind: FacetKind;
  canonical: Map<string, { key: string; display: string }>;
  patterns: RegExp[];
}

function vocabulary(kind: FacetKind, data: unknown): Vocabulary {
  const parsed = vocabularySchema.parse(data);
  const canonical = new Map<string, { key: string; display: string }>();
  for (const [display, variants] of Object.entries(parsed.canonical)) {
    const target = { key: genreKey(display), display };
    for (const spelling of [display, ...variants]) {
      const key = genreKey(spelling);
      if (key !== '') canonical.set(key, target);
    }
  }
  return { kind, canonical, patterns: (parsed.patterns ?? []).map((source) => new RegExp(source, 'u')) };
}

const VOCABULARIES: readonly Vocabulary[] = [
  vocabulary('era', eraData),
  vocabulary('place', placeData),
  vocabulary('instrument', instrumentData),
  vocabulary('label', labelData),
  vocabulary('releaseType', releaseTypeData),
];

// Keys are folded (`80's` → `80s`, `1980’s` → `1980s`), so these see figures and a trailing `s` only.
const SHORT_DECADE = /^(\d)0s$/u;
const LONG_DECADE = /^(1[0-9]|20)\d0s$/u;
const YEAR = /^(19|20)\d\d$/u;
const CENTURY = /^\d{1,2}(st|nd|rd|th)century$/u;

/**
 * `80s` and `1980s` are one era, shown `1980s`. Two-figure decades are read as 1930s–1990s and 2000s;
 * `10s` and `20s` could be either century, so they stay as written.
 */
function eraOf(key: string): FacetMatch | undefined {
  const short = SHORT_DECADE.exec(key);
  if (short) {
    const digit = Number(short[1]);
    if (digit === 0) return { kind: 'era', key: '2000s', display: '2000s' };
    if (digit >= 3) return { kind: 'era', key: `19${digit}0s`, display: `19${digit}0s` };
    return { kind: 'era', key, display: key };
  }
  if (LONG_DECADE.test(key) || YEAR.test(key)) return { kind: 'era', key, display: key };
  if (CENTURY.test(key)) return { kind: 'era', key };
  return undefined;
}

/** The facet of a tag key (before genre aliases), or undefined when the tag is not a facet tag. */
export function facetOf(key: string): FacetMatch | undefined {
  if (key === '') return undefined;
  const era = eraOf(key);
  if (era) return era;
  for (const vocabulary of VOCABULARIES) {
    const known = vocabulary.canonical.get(key);
    if (known) return { kind: vocabulary.kind, key: known.key, display: known.display };
  }
  for (const vocabulary of VOCABULARIES)
    if (vocabulary.patterns.some((pattern) => pattern.test(key))) return { kind: vocabulary.kind, key };
  return undefined;
}

const storedFacetsSchema = z.object({
  eras: z.array(z.string()).catch([]).default([]),
  places: z.array(z.string()).catch([]).default([]),
  instruments: z.array(z.string()).catch([]).default([]),
  labels: z.array(z.string()).catch([]).default([]),
  releaseTypes: z.array(z.string()).catch([]).default([]),
});

/** An entry's stored `facets` column; entries written before facets existed hold `{}` and read as no facets. */
export function storedFacets(value: unknown): TagFacets {
  const parsed = storedFacetsSchema.safeParse(value ?? {});
  return parsed.success ? parsed.data : emptyFacets();
}
