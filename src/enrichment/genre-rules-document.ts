// The genre rules as data: the document a rules version stores, the file `linernotes rules export` writes
// and `rules import` reads, and the edits a proposal makes to it. The shipped data files and the GENRE_*
// variables only seed the first version; buildGenreRulesFromDocument (genre-rules.ts) turns a document
// into the rules every merge reads.
import { z } from 'zod';
import aliasData from './data/genre-aliases.json' with { type: 'json' };
import blocklistData from './data/genre-blocklist.json' with { type: 'json' };
import { genreKey } from './text-keys.ts';

/** Bumped when the document's shape changes in a way an older linernotes could not read. */
const GENRE_RULES_FORMAT = 1;

// Bounds keep a hostile or mistaken file from costing more than a real vocabulary ever needs.
// PostgreSQL's jsonb, where a version is stored, cannot hold the NUL character.
const name = z
  .string()
  .max(200)
  .refine((text) => !text.includes('\u0000'), 'must not contain the NUL character');
const names = z.array(name).max(10_000);

export const genreRulesDocumentSchema = z
  .object({
    format: z.literal(GENRE_RULES_FORMAT),
    /** Canonical genre as displayed → the spellings read as it. */
    aliases: z.record(name, names),
    blocklist: z.object({ tags: names, patterns: names }).strict(),
    /** Genre → its parent genres. */
    parents: z.record(name, names),
    allowList: z.object({ enabled: z.boolean(), genres: names }).strict(),
  })
  .strict();

export type GenreRulesDocument = z.output<typeof genreRulesDocumentSchema>;

/** Problems with rules as written; each names where it is. */
export class GenreRulesError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'GenreRulesError';
  }
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

/** One edit of a proposal; every part is optional and they apply in this order. */
export interface GenreRulesChange {
  /** `from` is read as `to` (landing on `to`'s canonical genre when `to` is a known spelling). */
  addAliases?: ReadonlyArray<{ from: string; to: string }>;
  /** Spellings no longer read as another genre. */
  removeAliases?: readonly string[];
  /** Tags to drop; `/regex/` adds a pattern tested against the genre key. */
  block?: readonly string[];
  /** Tags (or `/regex/` patterns) to take off the blocklist. */
  unblock?: readonly string[];
  /** Replaces a genre's parents; an empty list removes them. */
  setParents?: ReadonlyArray<{ genre: string; parents: readonly string[] }>;
  /** Turns allow-list mode on or off; `genres`, when given, replaces the allow-list's own genres. */
  allowList?: { enabled: boolean; genres?: readonly string[] };
}

function clone(document: GenreRulesDocument): GenreRulesDocument {
  return structuredClone(document);
}

/** The shipped data files as a document, with no parents and allow-list mode off. */
function shippedGenreRulesDocument(): GenreRulesDocument {
  return {
    format: GENRE_RULES_FORMAT,
    aliases: structuredClone(aliasData.canonical),
    blocklist: { tags: [...blocklistData.tags], patterns: [...blocklistData.patterns] },
    parents: {},
    allowList: { enabled: false, genres: [] },
  };
}

function patternProblem(source: string): string | undefined {
  try {
    new RegExp(source, 'u');
    return undefined;
  } catch (error) {
    return `${JSON.stringify(source)} is not a valid regular expression (${(error as Error).message})`;
  }
}

/** The canonical display a spelling lands on in the document's alias table, if any. */
function canonicalOf(document: GenreRulesDocument, key: string): string | undefined {
  // A listed spelling wins over a canonical genre of the same key, as in the rules built from it.
  for (const [display, spellings] of Object.entries(document.aliases))
    if (spellings.some((spelling) => genreKey(spelling) === key)) return display;
  for (const display of Object.keys(document.aliases)) if (genreKey(display) === key) return display;
  return undefined;
}

function removeSpelling(document: GenreRulesDocument, key: string): void {
  for (const [display, spellings] of Object.entries(document.aliases))
    document.aliases[display] = spellings.filter((spelling) => genreKey(spelling) !== key);
}

/** Adds `from → to`; returns a problem when either side has no letters or digits. */
function addAlias(document: GenreRulesDocument, from: string, to: string): string | undefined {
  const fromKey = genreKey(from);
  const toKey = genreKey(to);
  if (fromKey === '' || toKey === '') return `${JSON.stringify(`${from}=${to}`)} must be from=to, both sides a genre`;
  // Pointing at a known spelling lands on its canonical genre, so aliases never chain at lookup time.
  const target = canonicalOf(document, toKey) ?? to.trim();
  removeSpelling(document, fromKey);
  document.aliases[target] ??= [];
  if (genreKey(target) !== fromKey) document.aliases[target].push(from.trim());
  return undefined;
}

function isPattern(entry: string): boolean {
  return entry.length > 2 && entry.startsWith('/') && entry.endsWith('/');
}

function block(document: GenreRulesDocument, entry: string): string | undefined {
  const trimmed = entry.trim();
  if (isPattern(trimmed)) {
    const source = trimmed.slice(1, -1);
    const problem = patternProblem(source);
    if (problem !== undefined) return problem;
    if (!document.blocklist.patterns.includes(source)) document.blocklist.patterns.push(source);
    return undefined;
  }
  const key = genreKey(trimmed);
  if (key === '') return `${JSON.stringify(entry)} has no letters or digits`;
  if (!document.blocklist.tags.some((tag) => genreKey(tag) === key)) document.blocklist.tags.push(trimmed);
  return undefined;
}

/** The first version's rules: the shipped files with the configuration's additions folded in. */
export function seedGenreRulesDocument(extensions: GenreRuleExtensions = {}): GenreRulesDocument {
  const document = shippedGenreRulesDocument();
  const problems: string[] = [];
  for (const entry of extensions.extraAliases ?? []) {
    const separator = entry.indexOf('=');
    const problem =
      separator < 0
        ? `${JSON.stringify(entry)} must be written from=to, both sides a genre`
        : addAlias(document, entry.slice(0, separator), entry.slice(separator + 1));
    if (problem !== undefined)
      problems.push(`GENRE_ALIASES: ${JSON.stringify(entry)} must be written from=to, both sides a genre`);
  }
  for (const entry of extensions.extraBlocklist ?? []) {
    const problem = block(document, entry);
    if (problem !== undefined) problems.push(`GENRE_BLOCKLIST: ${problem}`);
  }
  for (const [genre, parents] of Object.entries(extensions.parents ?? {}))
    document.parents[genre] = [...(document.parents[genre] ?? []), ...parents];
  if (extensions.allowList !== undefined)
    document.allowList = { enabled: extensions.allowList.enabled, genres: [...(extensions.allowList.genres ?? [])] };
  if (problems.length > 0) throw new GenreRulesError(problems);
  return document;
}

/** The document after a proposal's edits; throws GenreRulesError naming every edit that cannot be made. */
export function applyGenreRulesChange(base: GenreRulesDocument, change: GenreRulesChange): GenreRulesDocument {
  const document = clone(base);
  const problems: string[] = [];
  for (const { from, to } of change.addAliases ?? []) {
    const problem = addAlias(document, from, to);
    if (problem !== undefined) problems.push(`addAliases: ${problem}`);
  }
  for (const spelling of change.removeAliases ?? []) {
    const key = genreKey(spelling);
    const listed = Object.values(document.aliases).some((spellings) => spellings.some((s) => genreKey(s) === key));
    if (!listed) problems.push(`removeAliases: ${JSON.stringify(spelling)} is not an alias`);
    else removeSpelling(document, key);
  }
  for (const entry of change.block ?? []) {
    const problem = block(document, entry);
    if (problem !== undefined) problems.push(`block: ${problem}`);
  }
  for (const entry of change.unblock ?? []) {
    const trimmed = entry.trim();
    const before = document.blocklist.tags.length + document.blocklist.patterns.length;
    if (isPattern(trimmed))
      document.blocklist.patterns = document.blocklist.patterns.filter((source) => source !== trimmed.slice(1, -1));
    else document.blocklist.tags = document.blocklist.tags.filter((tag) => genreKey(tag) !== genreKey(trimmed));
    if (document.blocklist.tags.length + document.blocklist.patterns.length === before)
      problems.push(`unblock: ${JSON.stringify(entry)} is not on the blocklist`);
  }
  for (const { genre, parents } of change.setParents ?? []) {
    const key = genreKey(genre);
    if (key === '') {
      problems.push(`setParents: ${JSON.stringify(genre)} has no letters or digits`);
      continue;
    }
    for (const existing of Object.keys(document.parents))
      if (genreKey(existing) === key) delete document.parents[existing];
    if (parents.length > 0) document.parents[genre.trim()] = parents.map((parent) => parent.trim());
  }
  if (change.allowList !== undefined) {
    document.allowList = {
      enabled: change.allowList.enabled,
      genres: change.allowList.genres === undefined ? document.allowList.genres : [...change.allowList.genres],
    };
  }
  if (problems.length > 0) throw new GenreRulesError(problems);
  return document;
}

/** Reads a document from JSON text (a rules file, a stored version); throws GenreRulesError saying what is wrong. */
export function parseGenreRulesDocument(text: string, origin: string): GenreRulesDocument {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new GenreRulesError([`${origin}: not JSON (${(error as Error).message})`]);
  }
  return genreRulesDocumentFrom(value, origin);
}

/** Where in the document: a key that is not plain words is quoted (escaping what a terminal would run) and cut short. */
function describePath(path: readonly PropertyKey[]): string {
  const parts = path.map((part) => {
    const text = String(part);
    const shown = /^[\w &'-]*$/.test(text) ? text : JSON.stringify(text);
    return shown.length > 60 ? `${shown.slice(0, 57)}…` : shown;
  });
  return parts.join('.') || 'document';
}

function describeIssue(issue: z.core.$ZodIssue): string {
  // A record key's own problems are nested; "Invalid key in record" alone would not say which.
  const message = issue.code === 'invalid_key' ? issue.issues.map((inner) => inner.message).join('; ') : issue.message;
  return `${describePath(issue.path)}: ${message}`;
}

export function genreRulesDocumentFrom(value: unknown, origin: string): GenreRulesDocument {
  const result = genreRulesDocumentSchema.safeParse(value);
  if (!result.success) {
    throw new GenreRulesError(result.error.issues.map((issue) => `${origin}: ${describeIssue(issue)}`));
  }
  return result.data;
}
