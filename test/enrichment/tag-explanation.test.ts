// The merge's explanation: which providers gave a tag, from which raw tag and weight, and which rules
// shaped it, including the user's per-entry pins and blocks.
import { describe, expect, it } from 'vitest';
import { mergeTags, type MergeSettings, type TagList } from '../../src/enrichment/genre-merge.ts';
import { buildGenreRules, defaultGenreRules } from '../../src/enrichment/genre-rules.ts';

type Source = 'plex' | 'lastfm';

const settings = (overrides: Partial<MergeSettings> = {}): MergeSettings => ({
  rules: defaultGenreRules,
  maxGenres: 10,
  ownNames: [],
  ...overrides,
});
const lastfm = (tags: { name: string; weight: number }[]): TagList<Source> => ({
  source: 'lastfm',
  facet: 'genre',
  tags,
  weighting: 'relative',
  minWeight: 10,
  routeMoods: true,
});
const plex = (names: string[]): TagList<Source> => ({
  source: 'plex',
  facet: 'genre',
  tags: names.map((name) => ({ name })),
  weighting: 'flat',
});

describe('the merge explanation', () => {
  it('lists each provider that contributed a genre, with its raw tag and weight', () => {
    const merged = mergeTags(
      [
        plex(['Shoegaze']),
        lastfm([
          { name: 'shoegaze', weight: 100 },
          { name: 'dream pop', weight: 60 },
        ]),
      ],
      settings(),
    );
    const shoegaze = merged.explanation.find((entry) => entry.key === 'shoegaze');
    expect(shoegaze?.kept).toBe(true);
    expect(shoegaze?.contributions.map((c) => [c.source, c.rawTag, c.weight, c.counted])).toEqual([
      ['plex', 'Shoegaze', null, true],
      ['lastfm', 'shoegaze', 100, true],
    ]);
    expect(merged.genres[0]).toBe(shoegaze?.name);
  });

  it('names the rule that dropped a tag: weight threshold, blocklist, allow-list and a per-entry block', () => {
    const rules = buildGenreRules({ allowList: { enabled: true, genres: ['Shoegaze'] } });
    const merged = mergeTags(
      [
        lastfm([
          { name: 'shoegaze', weight: 100 },
          { name: 'noise pop', weight: 5 },
          { name: 'seen live', weight: 80 },
          { name: 'my cat likes it', weight: 70 },
          { name: 'rock', weight: 50 },
        ]),
      ],
      settings({ rules, overrides: { pinnedGenres: null, blockedTags: ['Rock'] } }),
    );
    const rulesOf = (key: string) => merged.explanation.find((entry) => entry.key === key)?.rules ?? [];
    expect(rulesOf('noisepop')).toContain('below-min-weight');
    expect(rulesOf('seenlive')).toContain('blocklist');
    expect(rulesOf('mycatlikesit')).toContain('not-allowed');
    expect(rulesOf('rock')).toContain('blocked-by-override');
    expect(merged.genres).toEqual(['Shoegaze']);
  });

  it('replaces the merged genres by a pinned list, and says so for each', () => {
    const merged = mergeTags(
      [plex(['Rock', 'Indie Rock'])],
      settings({ overrides: { pinnedGenres: ['Shoegaze'], blockedTags: [] } }),
    );
    expect(merged.genres).toEqual(['Shoegaze']);
    const byKey = new Map(merged.explanation.map((entry) => [entry.key, entry]));
    expect(byKey.get('rock')?.kept).toBe(false);
    expect(byKey.get('rock')?.rules).toContain('replaced-by-pin');
    expect(byKey.get('shoegaze')?.rules).toContain('pinned');
  });
});
