// The genre vocabulary: built-in data files plus what the user adds through configuration
// (GENRE_BLOCKLIST, GENRE_ALIASES). Built once at start; every merge reads it.
import { z } from 'zod';
import aliasData from './data/genre-aliases.json' with { type: 'json' };
import blocklistData from './data/genre-blocklist.json' with { type: 'json' };
import moodData from './data/genre-moods.json' with { type: 'json' };
import { genreKey } from './text-keys.ts';

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

/** What configuration may add: `config.genres.extraBlocklist` and `config.genres.extraAliases`. */
export interface GenreRuleExtensions {
  /** Tags to drop; an entry written `/regex/` is a pattern tested against the genre key. */
  extraBlocklist?: readonly string[];
  /** `from=to` pairs: `from` is read as the genre `to` (which may itself be a built-in canonical genre). */
  extraAliases?: readonly string[];
  /** Genre → its parent genres; a genre may have several (tech house → techno, house). Cycles are refused. */
  parents?: Readonly<Record<string, readonly string[]>>;
  /**
   * Allow-list mode: keep only the genres the rules know (canonical genres of the alias table, genres
   * and parents of the parent table) and these.
   */
  allowList?: { enabled: boolean; genres?: readonly string[] };
}

export class GenreRulesError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'GenreRulesError';
  }
}

const aliasSchema = z.object({
  canonical: z.record(z.string(), z.array(z.string())),
  uppercaseWords: z.array(z.string()),
  lowercaseWords: z.array(z.string()),
});
const blocklistSchema = z.object({ tags: z.array(z.string()), patterns: z.array(z.string()) });
const moodSchema = z.object({ moods: z.array(z.string()) });

const builtInAliases = aliasSchema.parse(aliasData);
const builtInBlocklist = blocklistSchema.parse(blocklistData);
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

function addCanonical(canonical: Map<string, CanonicalGenre>, display: string, variants: readonly string[]): void {
  const key = genreKey(display);
  if (key === '') return;
  const target: CanonicalGenre = { key, display };
  canonical.set(key, target);
  for (const variant of variants) {
    const variantKey = genreKey(variant);
    if (variantKey !== '') canonical.set(variantKey, target);
  }
}

/** Builds the rules from the shipped data and the configured extensions; throws GenreRulesError listing every bad entry. */
export function buildGenreRules(extensions: GenreRuleExtensions = {}): GenreRules {
  const problems: string[] = [];
  const canonical = new Map<string, CanonicalGenre>();
  for (const [display, variants] of Object.entries(builtInAliases.canonical))
    addCanonical(canonical, display, variants);

  for (const entry of extensions.extraAliases ?? []) {
    const separator = entry.indexOf('=');
    const from = separator < 0 ? '' : entry.slice(0, separator).trim();
    const to = separator < 0 ? '' : entry.slice(separator + 1).trim();
    const fromKey = genreKey(from);
    const toKey = genreKey(to);
    if (fromKey === '' || toKey === '') {
      problems.push(`GENRE_ALIASES: ${JSON.stringify(entry)} must be written from=to, both sides a genre`);
      continue;
    }
    // Pointing at a built-in spelling lands on its canonical genre, so aliases never chain at lookup time.
    const target = canonical.get(toKey) ?? { key: toKey, display: to };
    if (!canonical.has(toKey)) canonical.set(toKey, target);
    canonical.set(fromKey, target);
  }

  const blockedKeys = new Set<string>();
  const blockedPatterns: RegExp[] = [];
  for (const tag of builtInBlocklist.tags) {
    const key = genreKey(tag);
    if (key !== '') blockedKeys.add(key);
  }
  for (const source of builtInBlocklist.patterns) {
    const pattern = compilePattern(source, 'genre-blocklist.json', problems);
    if (pattern) blockedPatterns.push(pattern);
  }
  for (const entry of extensions.extraBlocklist ?? []) {
    const trimmed = entry.trim();
    if (trimmed.length > 2 && trimmed.startsWith('/') && trimmed.endsWith('/')) {
      const pattern = compilePattern(trimmed.slice(1, -1), 'GENRE_BLOCKLIST', problems);
      if (pattern) blockedPatterns.push(pattern);
      continue;
    }
    const key = genreKey(trimmed);
    if (key === '') problems.push(`GENRE_BLOCKLIST: ${JSON.stringify(entry)} has no letters or digits`);
    else blockedKeys.add(key);
  }

  const ancestors = buildAncestors(extensions.parents ?? {}, canonical, problems);
  let allowedKeys: Set<string> | null = null;
  if (extensions.allowList?.enabled === true) {
    allowedKeys = new Set<string>();
    for (const target of canonical.values()) allowedKeys.add(target.key);
    for (const [key, parents] of ancestors) {
      allowedKeys.add(key);
      for (const parent of parents) allowedKeys.add(parent.key);
    }
    for (const genre of extensions.allowList.genres ?? []) {
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
    uppercaseWords: new Set(builtInAliases.uppercaseWords.map((word) => word.toLowerCase())),
    lowercaseWords: new Set(builtInAliases.lowercaseWords.map((word) => word.toLowerCase())),
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
