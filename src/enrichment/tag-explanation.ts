// Why an entry has the genres and moods it has: for each tag key the providers gave, who gave it (raw
// tag, weight), whether it counted, and which rules shaped it. Filled by mergeTags as it merges, so the
// explanation is the merge's own record rather than a second reading of the rules.
import type { SpellingCounts } from './genre-display.ts';
import type { PinnedGenres } from './entry-overrides.ts';
import type { TagFacet } from './genre-merge.ts';
import type { FacetKind } from './tag-facets.ts';

export type TagRule =
  /** The raw tag is a spelling of a canonical genre (alias table or GENRE_ALIASES). */
  | 'alias'
  /** A free-form tag on the mood list, routed to moods. */
  | 'mood-list'
  /** A free-form tag that names an era, place, instrument, label or release type, routed to that facet instead of genres. */
  | 'facet'
  /** Under the provider's weight threshold (LASTFM_MIN_TAG_WEIGHT, or a MusicBrainz vote count under 1). */
  | 'below-min-weight'
  /** On the blocklist (shipped or GENRE_BLOCKLIST). */
  | 'blocklist'
  /** Allow-list mode is on and the rules do not know this genre. */
  | 'not-allowed'
  /** Blocked for this entry by the user. */
  | 'blocked-by-override'
  /** The artist's or album's own name. */
  | 'own-name'
  /** Counted but ranked under the MAX_GENRES strongest. */
  | 'over-limit'
  /** In the user's pinned genre list for this entry. */
  | 'pinned'
  /** Merged from the providers, but the entry's genres are pinned to a list without it. */
  | 'replaced-by-pin';

/** What the tag became: a genre, a mood, or one of the facets (the explanation's kind says which). */
export type ExplainedKind = 'genre' | 'mood' | FacetKind;

export interface TagContribution<S extends string> {
  source: S;
  facet: TagFacet;
  /** The tag as the provider wrote it (whitespace tidied). */
  rawTag: string;
  /** The provider's own weight (Last.fm 0-100, MusicBrainz votes); null for unweighted lists. */
  weight: number | null;
  /** What it added to the tag's score: weight over the list's top weight, or 1; 0 when not counted. */
  strength: number;
  counted: boolean;
  /** Rules applied to this raw tag. */
  rules: TagRule[];
}

export interface TagExplanation<S extends string> {
  kind: ExplainedKind;
  key: string;
  /** The display spelling, as the entry shows (or would show) it. */
  name: string;
  /** Whether the entry lists it (in genres, moods or its facet). */
  kept: boolean;
  /** Sum of the counted contributions' strengths. */
  score: number;
  contributions: TagContribution<S>[];
  /** Every rule that shaped it: its contributions' and its own (limit, pin), each once. */
  rules: TagRule[];
}

interface Pending<S extends string> {
  kind: ExplainedKind;
  key: string;
  contributions: TagContribution<S>[];
  settled?: { name: string; score: number; rules: TagRule[] };
}

export class ExplanationBoard<S extends string> {
  private readonly entries = new Map<string, Pending<S>>();

  add(kind: ExplainedKind, key: string, contribution: TagContribution<S>): void {
    const id = `${kind}:${key}`;
    let entry = this.entries.get(id);
    if (entry === undefined) {
      entry = { kind, key, contributions: [] };
      this.entries.set(id, entry);
    }
    entry.contributions.push(contribution);
  }

  /** Records the merge's verdict on a counted tag: its display name, score and own rules. */
  settle(kind: ExplainedKind, key: string, name: string, score: number, rules: TagRule[]): void {
    const entry = this.entries.get(`${kind}:${key}`);
    if (entry) entry.settled = { name, score, rules };
  }

  /** The explanation: kept genres in the entry's order, then kept moods, then kept facet tags, then everything dropped. */
  explain(pins: PinnedGenres, display: (key: string, spellings: SpellingCounts) => string): TagExplanation<S>[] {
    const explained: TagExplanation<S>[] = [];
    const pinnedNames = new Map([...(pins.pinnedKeys ?? [])].map((key, index) => [key, pins.genres[index] ?? key]));
    for (const entry of this.entries.values()) {
      const rules = entry.contributions.flatMap((contribution) => contribution.rules);
      if (entry.settled) rules.push(...entry.settled.rules);
      let kept = entry.settled !== undefined && !entry.settled.rules.includes('over-limit');
      if (entry.kind === 'genre' && pins.pinnedKeys !== null) {
        const isPinned = pins.pinnedKeys.has(entry.key);
        if (isPinned) rules.push('pinned');
        else if (kept) rules.push('replaced-by-pin');
        kept = isPinned;
      }
      const spellings = new Map<string, number>();
      for (const contribution of entry.contributions)
        spellings.set(contribution.rawTag, (spellings.get(contribution.rawTag) ?? 0) + 1);
      explained.push({
        kind: entry.kind,
        key: entry.key,
        name:
          (entry.kind === 'genre' ? pinnedNames.get(entry.key) : undefined) ??
          entry.settled?.name ??
          display(entry.key, spellings),
        kept,
        score: entry.settled?.score ?? 0,
        contributions: entry.contributions,
        rules: [...new Set(rules)],
      });
    }
    // Pinned genres no provider gave are explained by the pin alone.
    if (pins.pinnedKeys !== null) {
      const seen = new Set(explained.filter((item) => item.kind === 'genre').map((item) => item.key));
      for (const [key, name] of pinnedNames)
        if (!seen.has(key))
          explained.push({ kind: 'genre', key, name, kept: true, score: 0, contributions: [], rules: ['pinned'] });
    }
    const genreOrder = new Map(pins.genres.map((name, index) => [name, index]));
    const rank = (item: TagExplanation<S>): number => {
      if (!item.kept) return 3;
      if (item.kind === 'genre') return 0;
      return item.kind === 'mood' ? 1 : 2;
    };
    const position = (item: TagExplanation<S>): number =>
      item.kind === 'genre' && item.kept ? (genreOrder.get(item.name) ?? 0) : 0;
    // Array sort is stable: within a group the order is first seen, the merge's tie-break.
    return explained.sort((a, b) => rank(a) - rank(b) || position(a) - position(b));
  }
}
