// The genre vocabulary every merge reads, built from a rules document (genre-rules-document.ts): the
// active rules version in the database, or the shipped data files plus the GENRE_* variables that seed it.
// Moods and the title-case exceptions come from the shipped files alone.
import { z } from 'zod';
import aliasData from './data/genre-aliases.json' with { type: 'json' };
import moodData from './data/genre-moods.json' with { type: 'json' };
import {
  type GenreRuleExtensions,
  type GenreRulesDocument,
  GenreRulesError,
  seedGenreRulesDocument,
} from './genre-rules-document.ts';
import { genreKey } from './text-keys.ts';

export { type GenreRuleExtensions, GenreRulesError } from './genre-rules-document.ts';

export interface CanonicalGenre {
  key: string;
  display: string;
}

export interface GenreRules {
  /** Key of a spelling → the canonical genre it stands for. Canonical keys map to themselves. */
  readonly canonical: ReadonlyMap<string, CanonicalGenre>;
  readonly blockedKeys: ReadonlySet<string>;
  /** Tested against the genre key. */
  readonly blockedPatterns: readonly RegExp[];
  /** Keys of free-form tags that are moods rather than genres. */
  readonly moodKeys: ReadonlySet<string>;
  /** Words written in capitals when a genre is title-cased (`uk` → `UK`). */
  readonly uppercaseWords: ReadonlySet<string>;
  /** Words kept in lower case inside a title-cased genre (`and`, `of`). */
  readonly lowercaseWords: ReadonlySet<string>;
  /** Genre key → its parent genres, every ancestor once, closest first (tech house → techno, house, electronic). */
  readonly ancestors: ReadonlyMap<string, readonly CanonicalGenre[]>;
  /** Allow-list mode: only genres with these keys are kept; null keeps every genre that is not blocked. */
  readonly allowedKeys: ReadonlySet<string> | null;
}

const wordsSchema = z.object({ uppercaseWords: z.array(z.string()), lowercaseWords: z.array(z.string()) });
const moodSchema = z.object({ moods: z.array(z.string()) });

const builtInWords = wordsSchema.parse(aliasData);
const builtInMoods = moodSchema.parse(moodData);

function compilePattern(source: string, origin: string, problems: string[]): RegExp | undefined {
  try {
    return new RegExp(source, 'u');
  } catch (error) {
    problems.push(
      `${origin}: ${JSON.stringify(source)} is not a valid regular expression (${(error as Error).message})`,
    );
    return undefined;
  }
}

/**
 * Key of every spelling → its canonical genre. Canonical genres map to themselves first, then listed
 * spellings, so a spelling that is also a canonical genre of its own (`rock` listed under Alternative Rock)
 * is read as the genre it is listed under, whatever the order of the table.
 */
function buildCanonical(aliases: GenreRulesDocument['aliases']): Map<string, CanonicalGenre> {
  const canonical = new Map<string, CanonicalGenre>();
  const targets: Array<[CanonicalGenre, readonly string[]]> = [];
  for (const [display, spellings] of Object.entries(aliases)) {
    const key = genreKey(display);
    if (key === '') continue;
    const target: CanonicalGenre = { key, display };
    canonical.set(key, target);
    targets.push([target, spellings]);
  }
  for (const [target, spellings] of targets) {
    for (const spelling of spellings) {
      const key = genreKey(spelling);
      if (key !== '') canonical.set(key, target);
    }
  }
  return canonical;
}

/** Builds the rules from the shipped data and the configured extensions; throws GenreRulesError listing every bad entry. */
export function buildGenreRules(extensions: GenreRuleExtensions = {}): GenreRules {
  return buildGenreRulesFromDocument(seedGenreRulesDocument(extensions));
}

/** Builds the rules of a rules document; throws GenreRulesError listing every bad entry. */
export function buildGenreRulesFromDocument(document: GenreRulesDocument): GenreRules {
  const problems: string[] = [];
  const canonical = buildCanonical(document.aliases);

  const blockedKeys = new Set<string>();
  const blockedPatterns: RegExp[] = [];
  for (const tag of document.blocklist.tags) {
    const key = genreKey(tag);
    if (key !== '') blockedKeys.add(key);
    else problems.push(`blocklist: ${JSON.stringify(tag)} has no letters or digits`);
  }
  for (const source of document.blocklist.patterns) {
    const pattern = compilePattern(source, 'blocklist pattern', problems);
    if (pattern) blockedPatterns.push(pattern);
  }

  const ancestors = buildAncestors(document.parents, canonical, problems);
  let allowedKeys: Set<string> | null = null;
  if (document.allowList.enabled) {
    allowedKeys = new Set<string>();
    for (const target of canonical.values()) allowedKeys.add(target.key);
    for (const [key, parents] of ancestors) {
      allowedKeys.add(key);
      for (const parent of parents) allowedKeys.add(parent.key);
    }
    for (const genre of document.allowList.genres) {
      const key = genreKey(genre);
      if (key === '') problems.push(`allow-list: ${JSON.stringify(genre)} has no letters or digits`);
      else allowedKeys.add(canonical.get(key)?.key ?? key);
    }
  }

  if (problems.length > 0) throw new GenreRulesError(problems);
  return {
    ancestors,
    allowedKeys,
    canonical,
    blockedKeys,
    blockedPatterns,
    moodKeys: new Set(builtInMoods.moods.map(genreKey).filter((key) => key !== '')),
    uppercaseWords: new Set(builtInWords.uppercaseWords.map((word) => word.toLowerCase())),
    lowercaseWords: new Set(builtInWords.lowercaseWords.map((word) => word.toLowerCase())),
  };
}

/**
 * Every genre's ancestors, closest first, each once, with the parent table's spellings read through the
 * aliases (a parent written `hip-hop` is the canonical Hip Hop). A cycle would make a genre its own
 * ancestor, so it is a problem, not a loop.
 */
function buildAncestors(
  parents: Readonly<Record<string, readonly string[]>>,
  canonical: ReadonlyMap<string, CanonicalGenre>,
  problems: string[],
): Map<string, CanonicalGenre[]> {
  const resolve = (name: string): CanonicalGenre | undefined => {
    const key = genreKey(name);
    if (key === '') return undefined;
    return canonical.get(key) ?? { key, display: name.trim() };
  };
  const direct = new Map<string, CanonicalGenre[]>();
  for (const [child, names] of Object.entries(parents)) {
    const childGenre = resolve(child);
    if (childGenre === undefined) {
      problems.push(`parents: ${JSON.stringify(child)} has no letters or digits`);
      continue;
    }
    const list = direct.get(childGenre.key) ?? [];
    for (const name of names) {
      const parent = resolve(name);
      if (parent === undefined)
        problems.push(`parents of ${JSON.stringify(child)}: ${JSON.stringify(name)} has no letters or digits`);
      else if (!list.some((known) => known.key === parent.key)) list.push(parent);
    }
    direct.set(childGenre.key, list);
  }
  const ancestors = new Map<string, CanonicalGenre[]>();
  for (const key of direct.keys()) {
    const found: CanonicalGenre[] = [];
    const seen = new Set<string>();
    // Breadth first, so a closer parent is listed before a farther one.
    const queue = [...(direct.get(key) ?? [])];
    while (queue.length > 0) {
      const next = queue.shift() as CanonicalGenre;
      if (next.key === key) {
        problems.push(`parents: ${JSON.stringify(key)} is its own ancestor (a cycle)`);
        break;
      }
      if (seen.has(next.key)) continue;
      seen.add(next.key);
      found.push(next);
      queue.push(...(direct.get(next.key) ?? []));
    }
    ancestors.set(key, found);
  }
  return ancestors;
}

/** The rules with nothing added by configuration. */
export const defaultGenreRules: GenreRules = buildGenreRules();

/** The canonical key of a tag after aliases; '' when the tag has no letters or digits. */
export function canonicalGenreKey(tag: string, rules: GenreRules): string {
  const key = genreKey(tag);
  if (key === '') return '';
  return rules.canonical.get(key)?.key ?? key;
}

/** True when the key names no genre: on the blocklist, or matched by a blocklist pattern. */
export function isBlockedGenreKey(key: string, rules: GenreRules): boolean {
  if (key === '' || rules.blockedKeys.has(key)) return true;
  return rules.blockedPatterns.some((pattern) => pattern.test(key));
}

/** False only in allow-list mode, for a canonical genre key the allow-list lacks. */
export function isAllowedGenreKey(key: string, rules: GenreRules): boolean {
  return rules.allowedKeys === null || rules.allowedKeys.has(key);
}
