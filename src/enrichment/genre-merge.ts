// Turns the tag lists of several providers into one entry's genres, styles, moods and facets: normalised keys,
// junk dropped, duplicates merged with their weights summed (a genre two providers agree on ranks higher),
// strongest first, at most maxGenres. Provider order breaks ties, so the result is deterministic.
// The same pass writes down why each tag ended where it did (tag-explanation.ts), so the explanation
// and the result come from one code path and can never disagree.
import type { WeightedTag } from '../types.ts';
import { displayGenre } from './genre-display.ts';
import { applyPins, blockedOverrideKeys, type EntryOverrides } from './entry-overrides.ts';
import { ExplanationBoard, type TagExplanation, type TagRule } from './tag-explanation.ts';
import { isAllowedGenreKey, isBlockedGenreKey, type GenreRules } from './genre-rules.ts';
import { ownNameKeys } from './own-names.ts';
import {
  DEFAULT_FACET_LIMITS,
  emptyFacets,
  FACET_FIELDS,
  type FacetKind,
  type FacetLimits,
  facetOf,
  type TagFacets,
} from './tag-facets.ts';
import { genreKey } from './text-keys.ts';

export type TagFacet = 'genre' | 'style' | 'mood';

export interface TagList<S extends string> {
  source: S;
  /** Styles count as genres too, and are also listed on their own. */
  facet: TagFacet;
  tags: readonly WeightedTag[];
  /**
   * `relative`: a tag's strength is its weight over the list's top weight (Last.fm, MusicBrainz).
   * `flat`: every tag counts 1 (Plex, Spotify).
   */
  weighting: 'relative' | 'flat';
  /** Tags with a weight under this are dropped (Last.fm's 0-100 scale). */
  minWeight?: number;
  /** Free-form tag providers: tags that are moods go to moods instead of genres. */
  routeMoods?: boolean;
  /** Free-form tag providers: eras, places, instruments, labels and release types go to their facets (tag-facets.ts). */
  routeFacets?: boolean;
}

export interface MergeSettings {
  rules: GenreRules;
  maxGenres: number;
  /** The artist's and album's own names: fans tag artists with them, and they are not genres (see own-names.ts). */
  ownNames: readonly string[];
  /** The user's pins and blocks for this one entry, applied inside the merge so every path honours them. */
  overrides?: EntryOverrides;
  /** How many of each facet an entry keeps (DEFAULT_FACET_LIMITS when not given). */
  facetLimits?: FacetLimits;
}

export interface MergedTags<S extends string> {
  genres: string[];
  styles: string[];
  moods: string[];
  /** Free-form tags that are not genres, each facet strongest first. */
  facets: TagFacets;
  /** Providers with at least one genre, style or mood in the result. */
  contributors: Set<S>;
  /** Every tag key the providers gave, kept or dropped, with its contributions and the rules that shaped it. */
  explanation: TagExplanation<S>[];
}

interface Tally<S extends string> {
  key: string;
  score: number;
  firstSeen: number;
  spellings: Map<string, number>;
  sources: Set<S>;
}

class TallyBoard<S extends string> {
  readonly byKey = new Map<string, Tally<S>>();

  /** A parent genre counts with the strength of each child the entry has (see addParentGenres). */
  addDerived(key: string, spelling: string, score: number, sources: ReadonlySet<S>, order: number): void {
    for (const source of sources) this.add(key, spelling, 0, source, order);
    const tally = this.byKey.get(key);
    if (tally) tally.score += score;
  }

  add(key: string, spelling: string, score: number, source: S, order: number): void {
    let tally = this.byKey.get(key);
    if (tally === undefined) {
      tally = { key, score: 0, firstSeen: order, spellings: new Map(), sources: new Set() };
      this.byKey.set(key, tally);
    }
    tally.score += score;
    tally.spellings.set(spelling, (tally.spellings.get(spelling) ?? 0) + 1);
    tally.sources.add(source);
  }

  ranked(): Tally<S>[] {
    return [...this.byKey.values()].sort((a, b) => b.score - a.score || a.firstSeen - b.firstSeen);
  }
}

function topWeight(tags: readonly WeightedTag[]): number {
  let top = 0;
  for (const tag of tags)
    if (tag.weight !== undefined && Number.isFinite(tag.weight) && tag.weight > top) top = tag.weight;
  return top;
}

function strength(tag: WeightedTag, list: TagList<string>, top: number): number {
  if (list.weighting === 'flat' || tag.weight === undefined || !Number.isFinite(tag.weight) || top <= 0) return 1;
  return Math.max(0, tag.weight) / top;
}

/**
 * Each genre's ancestors join the entry with its strength (tech house 1.0 → techno 1.0, house 1.0), so a
 * playlist of house finds tech house albums. Scores are read before any is added, so an ancestor gets the
 * sum of its own and each descendant's strength once, however deep. A blocked parent stays out.
 */
function addParentGenres<S extends string>(genres: TallyBoard<S>, rules: GenreRules): void {
  const native = [...genres.byKey.values()].map((tally) => ({ ...tally, sources: new Set(tally.sources) }));
  for (const child of native) {
    for (const parent of rules.ancestors.get(child.key) ?? []) {
      if (isBlockedGenreKey(parent.key, rules)) continue;
      // Just after the child: on equal strength the more specific genre comes first.
      genres.addDerived(parent.key, parent.display, child.score, child.sources, child.firstSeen + 0.5);
    }
  }
}

/**
 * Why a tag is dropped before it is counted, or undefined when it counts. A facet tag skips the genre
 * blocklist, which lists places and years so that they never become genres, not so that they are lost.
 */
function dropRule(
  rawKey: string,
  key: string,
  settings: MergeSettings,
  ownKeys: ReadonlySet<string>,
  overrideKeys: ReadonlySet<string>,
  isFacet: boolean,
): TagRule | undefined {
  const { rules } = settings;
  if (!isFacet && (isBlockedGenreKey(rawKey, rules) || isBlockedGenreKey(key, rules))) return 'blocklist';
  if (overrideKeys.has(rawKey) || overrideKeys.has(key)) return 'blocked-by-override';
  if (ownKeys.has(rawKey) || ownKeys.has(key)) return 'own-name';
  return undefined;
}

/**
 * The facet of a free-form tag, unless the rules make it a genre: a spelling in the alias table (built in or
 * GENRE_ALIASES) is a genre, so a user's alias always wins over the shipped facet vocabulary.
 */
function routedFacet(list: TagList<string>, rawKey: string, rules: GenreRules) {
  if (list.routeFacets !== true || list.facet === 'mood' || rules.canonical.has(rawKey)) return undefined;
  return facetOf(rawKey);
}

/** Merges provider tag lists, given in priority order, into one entry's genres, styles, moods and facets. */
export function mergeTags<S extends string>(lists: readonly TagList<S>[], settings: MergeSettings): MergedTags<S> {
  const { rules } = settings;
  const ownKeys = ownNameKeys(settings.ownNames, rules);
  const overrideKeys = blockedOverrideKeys(settings.overrides, rules);
  const genres = new TallyBoard<S>();
  const moods = new TallyBoard<S>();
  const facetBoards = new Map<FacetKind, TallyBoard<S>>();
  const board = new ExplanationBoard<S>();
  const styleKeys: string[] = [];
  const styleSources = new Map<string, Set<S>>();
  let order = 0;

  for (const list of lists) {
    const top = topWeight(list.tags);
    for (const tag of list.tags) {
      order += 1;
      const spelling = tag.name.replace(/\s+/gu, ' ').trim();
      const rawKey = genreKey(spelling);
      if (rawKey === '') continue;
      const aliasKey = rules.canonical.get(rawKey)?.key ?? rawKey;
      const isMood =
        list.facet === 'mood' ||
        (list.routeMoods === true && (rules.moodKeys.has(aliasKey) || rules.moodKeys.has(rawKey)));
      // A mood is never also a facet: the mood list is checked first.
      const facet = isMood ? undefined : routedFacet(list, rawKey, rules);
      const key = facet?.key ?? aliasKey;
      const shaping: TagRule[] = [];
      if (facet === undefined && key !== rawKey) shaping.push('alias');
      if (isMood && list.facet !== 'mood') shaping.push('mood-list');
      if (facet !== undefined) shaping.push('facet');
      const contribution = {
        source: list.source,
        facet: list.facet,
        rawTag: spelling,
        weight: tag.weight ?? null,
        strength: 0,
        counted: false,
        rules: shaping,
      };
      const kind = facet?.kind ?? (isMood ? 'mood' : 'genre');
      const belowWeight = list.minWeight !== undefined && tag.weight !== undefined && tag.weight < list.minWeight;
      // Allow-list mode keeps only the genres it lists; moods and facets are not genres and pass.
      const notAllowed = kind === 'genre' && !isAllowedGenreKey(key, rules);
      const dropped = belowWeight
        ? 'below-min-weight'
        : (dropRule(rawKey, key, settings, ownKeys, overrideKeys, facet !== undefined) ??
          (notAllowed ? 'not-allowed' : undefined));
      if (dropped !== undefined) {
        board.add(kind, key, { ...contribution, rules: [...shaping, dropped] });
        continue;
      }
      const score = strength(tag, list, top);
      board.add(kind, key, { ...contribution, strength: score, counted: true });
      if (facet !== undefined) {
        let facetBoard = facetBoards.get(facet.kind);
        if (facetBoard === undefined) {
          facetBoard = new TallyBoard<S>();
          facetBoards.set(facet.kind, facetBoard);
        }
        facetBoard.add(key, facet.display ?? spelling, score, list.source, order);
        continue;
      }
      if (isMood) {
        moods.add(key, spelling, score, list.source, order);
        continue;
      }
      genres.add(key, spelling, score, list.source, order);
      if (list.facet === 'style') {
        if (!styleSources.has(key)) {
          styleKeys.push(key);
          styleSources.set(key, new Set());
        }
        styleSources.get(key)?.add(list.source);
      }
    }
  }

  addParentGenres(genres, rules);
  const contributors = new Set<S>();
  const rankedGenres = genres.ranked();
  const keptGenres = rankedGenres.slice(0, Math.max(0, settings.maxGenres));
  const keptMoods = moods.ranked();
  for (const tally of [...keptGenres, ...keptMoods]) for (const source of tally.sources) contributors.add(source);
  for (const sources of styleSources.values()) for (const source of sources) contributors.add(source);

  const display = (tally: Tally<S>): string => displayGenre(tally.key, tally.spellings, rules);
  const mergedGenres = keptGenres.map(display);
  const pinned = applyPins(mergedGenres, settings.overrides, rules);
  for (const [index, tally] of rankedGenres.entries())
    board.settle('genre', tally.key, display(tally), tally.score, index < keptGenres.length ? [] : ['over-limit']);
  for (const tally of keptMoods) board.settle('mood', tally.key, display(tally), tally.score, []);
  const limits = settings.facetLimits ?? DEFAULT_FACET_LIMITS;
  const facets = emptyFacets();
  for (const [kind, facetBoard] of facetBoards) {
    const field = FACET_FIELDS[kind];
    const limit = Math.max(0, limits[field]);
    for (const [index, tally] of facetBoard.ranked().entries()) {
      const name = display(tally);
      if (index < limit) facets[field].push(name);
      board.settle(kind, tally.key, name, tally.score, index < limit ? [] : ['over-limit']);
    }
  }
  return {
    genres: pinned.genres,
    // A style is displayed exactly as the same genre is, so the two lists never disagree on spelling.
    styles: styleKeys.map((key) => {
      const tally = genres.byKey.get(key);
      return tally ? display(tally) : key;
    }),
    moods: keptMoods.map(display),
    facets,
    contributors,
    explanation: board.explain(pinned, (key, spellings) => displayGenre(key, spellings, rules)),
  };
}

/** Normalises one plain list of genre names (a track's own Plex tags, a cached entry's genres). */
export function normaliseGenreList(tags: readonly string[], settings: MergeSettings): string[] {
  return mergeTags(
    [{ source: 'list', facet: 'genre', tags: tags.map((name) => ({ name })), weighting: 'flat' }],
    settings,
  ).genres;
}
