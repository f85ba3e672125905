// What a genre rules change would do to the cache, tallied entry by entry from each entry's stored merge
// and its re-merge under the proposed rules: how many entries change, which genres are relabelled (a
// genre lost whose spelling the new rules read as a genre the entry now has: rock → alternative rock),
// which are gained or lost outright, and a few examples.
import { canonicalGenreKey, type GenreRules } from './genre-rules.ts';
import { genreKey } from './text-keys.ts';
import { storedFacets, type TagFacets } from './tag-facets.ts';

export type PreviewEntryKind = 'artist' | 'album';

/** The merged fields an entry stores; a change in any of them is a change of the entry. */
export interface MergedFields {
  genres: readonly string[];
  styles: readonly string[];
  moods: readonly string[];
  /** Eras, places, instruments, labels and release types, as stored (`{}` before facets existed). */
  facets: unknown;
  source: readonly string[];
  /** ok, empty, partial or error: an entry left with no genre may change status. */
  status: string;
}

export interface PreviewExample {
  kind: PreviewEntryKind;
  artist: string;
  /** The album's title; absent for an artist. */
  title?: string;
  before: readonly string[];
  after: readonly string[];
}

export interface GenreCounts {
  artists: number;
  albums: number;
}

export interface GenreRulesPreview {
  artists: { examined: number; changed: number };
  albums: { examined: number; changed: number };
  /** Most entries first. */
  relabels: Array<{ from: string; to: string } & GenreCounts>;
  gained: Array<{ genre: string } & GenreCounts>;
  lost: Array<{ genre: string } & GenreCounts>;
  examples: PreviewExample[];
  /** One line: "would change 2 artists and 312 albums: Rock → Alternative Rock (312 albums), …". */
  summary: string;
}

/** Listed at most per kind of change; the counts of entries changed cover every entry. */
const PREVIEW_LIST_LIMIT = 25;
const PREVIEW_EXAMPLE_LIMIT = 5;

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}

function sameFacets(a: TagFacets, b: TagFacets): boolean {
  return (Object.keys(a) as Array<keyof TagFacets>).every((field) => sameList(a[field], b[field]));
}

/** True when a re-merge leaves the entry as stored: nothing to write. */
export function sameMergedFields(a: MergedFields, b: MergedFields): boolean {
  return (
    a.status === b.status &&
    sameList(a.genres, b.genres) &&
    sameList(a.styles, b.styles) &&
    sameList(a.moods, b.moods) &&
    sameList(a.source, b.source) &&
    sameFacets(storedFacets(a.facets), storedFacets(b.facets))
  );
}

function bump(map: Map<string, GenreCounts>, key: string, kind: PreviewEntryKind): void {
  const counts = map.get(key) ?? { artists: 0, albums: 0 };
  if (kind === 'artist') counts.artists++;
  else counts.albums++;
  map.set(key, counts);
}

function ranked<T extends GenreCounts>(entries: T[]): T[] {
  return entries.sort((a, b) => b.artists + b.albums - (a.artists + a.albums)).slice(0, PREVIEW_LIST_LIMIT);
}

function entries(counts: GenreCounts): string {
  const parts: string[] = [];
  if (counts.albums > 0) parts.push(`${counts.albums} album${counts.albums === 1 ? '' : 's'}`);
  if (counts.artists > 0) parts.push(`${counts.artists} artist${counts.artists === 1 ? '' : 's'}`);
  return parts.join(', ');
}

const RELABEL_SEPARATOR = '\u0000';

export class GenreRulesPreviewTally {
  private readonly examined = { artist: 0, album: 0 };
  private readonly changed = { artist: 0, album: 0 };
  private readonly relabels = new Map<string, GenreCounts>();
  private readonly gained = new Map<string, GenreCounts>();
  private readonly lost = new Map<string, GenreCounts>();
  private readonly examples: PreviewExample[] = [];

  /** `rules`: the proposed rules, which say what a lost genre's spelling is read as now. */
  constructor(private readonly rules: GenreRules) {}

  add(kind: PreviewEntryKind, identity: { artist: string; title?: string }, before: MergedFields, after: MergedFields) {
    this.examined[kind]++;
    if (sameMergedFields(before, after)) return;
    this.changed[kind]++;
    const kept = new Set(before.genres.filter((genre) => after.genres.includes(genre)));
    const afterByKey = new Map(after.genres.map((genre) => [genreKey(genre), genre]));
    const relabelTargets = new Set<string>();
    for (const genre of before.genres) {
      if (kept.has(genre)) continue;
      const target = afterByKey.get(canonicalGenreKey(genre, this.rules));
      if (target !== undefined && target !== genre) {
        bump(this.relabels, `${genre}${RELABEL_SEPARATOR}${target}`, kind);
        relabelTargets.add(target);
      } else bump(this.lost, genre, kind);
    }
    for (const genre of after.genres)
      if (!kept.has(genre) && !relabelTargets.has(genre) && !before.genres.includes(genre))
        bump(this.gained, genre, kind);
    if (this.examples.length < PREVIEW_EXAMPLE_LIMIT)
      this.examples.push({ kind, ...identity, before: before.genres, after: after.genres });
  }

  result(): GenreRulesPreview {
    const relabels = ranked(
      [...this.relabels].map(([key, counts]) => {
        const [from = '', to = ''] = key.split(RELABEL_SEPARATOR);
        return { from, to, ...counts };
      }),
    );
    const gained = ranked([...this.gained].map(([genre, counts]) => ({ genre, ...counts })));
    const lost = ranked([...this.lost].map(([genre, counts]) => ({ genre, ...counts })));
    return {
      artists: { examined: this.examined.artist, changed: this.changed.artist },
      albums: { examined: this.examined.album, changed: this.changed.album },
      relabels,
      gained,
      lost,
      examples: this.examples,
      summary: summaryLine(this.changed.artist, this.changed.album, relabels, gained, lost),
    };
  }
}

function summaryLine(
  artists: number,
  albums: number,
  relabels: GenreRulesPreview['relabels'],
  gained: GenreRulesPreview['gained'],
  lost: GenreRulesPreview['lost'],
): string {
  if (artists + albums === 0) return 'would change no entry';
  const head = `would change ${artists} artist${artists === 1 ? '' : 's'} and ${albums} album${albums === 1 ? '' : 's'}`;
  const parts = [
    ...relabels.slice(0, 3).map((relabel) => `${relabel.from} → ${relabel.to} (${entries(relabel)})`),
    ...lost.slice(0, 3).map((genre) => `${genre.genre} lost (${entries(genre)})`),
    ...gained.slice(0, 3).map((genre) => `${genre.genre} gained (${entries(genre)})`),
  ];
  return parts.length === 0 ? head : `${head}: ${parts.join(', ')}`;
}
