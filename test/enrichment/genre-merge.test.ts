import { describe, expect, it } from 'vitest';
import { mergeTags, normaliseGenreList, type MergeSettings, type TagList } from '../../src/enrichment/genre-merge.ts';
import { buildGenreRules, defaultGenreRules } from '../../src/enrichment/genre-rules.ts';
import type { WeightedTag } from '../../src/types.ts';

type Source = 'plex' | 'lastfm' | 'musicbrainz';

const settings = (overrides: Partial<MergeSettings> = {}): MergeSettings => ({
  rules: defaultGenreRules,
  maxGenres: 10,
  ownNames: [],
  ...overrides,
});

const lastfm = (tags: WeightedTag[], minWeight = 10): TagList<Source> => ({
  source: 'lastfm',
  facet: 'genre',
  tags,
  weighting: 'relative',
  minWeight,
  routeMoods: true,
});
const plex = (facet: TagList<Source>['facet'], names: string[]): TagList<Source> => ({
  source: 'plex',
  facet,
  tags: names.map((name) => ({ name })),
  weighting: 'flat',
});

describe('mergeTags', () => {
  it.each([
    {
      label: 'deduplicates spellings across providers and keeps one display form',
      lists: [
        plex('genre', ['Hip-Hop']),
        lastfm([
          { name: 'hip hop', weight: 100 },
          { name: 'hiphop', weight: 60 },
          { name: 'Hip Hop', weight: 40 },
        ]),
      ],
      genres: ['Hip-Hop'],
    },
    {
      label: 'drops personal and non-genre tags',
      lists: [
        lastfm([
          { name: 'shoegaze', weight: 100 },
          { name: 'seen live', weight: 90 },
          { name: 'favorites', weight: 80 },
          { name: 'favourite', weight: 70 },
          { name: 'albums I own', weight: 60 },
          { name: 'check out', weight: 50 },
          { name: '90s', weight: 45 },
          { name: 'dream pop', weight: 40 },
        ]),
      ],
      genres: ['Shoegaze', 'Dream Pop'],
    },
    {
      label: 'drops Last.fm tags under the minimum weight',
      lists: [
        lastfm([
          { name: 'rock', weight: 100 },
          { name: 'indie', weight: 10 },
          { name: 'noise', weight: 9 },
          { name: 'jazz', weight: 0 },
        ]),
      ],
      genres: ['Rock', 'Indie'],
    },
    {
      label: 'drops the artist’s own name, in any spelling',
      lists: [
        lastfm([
          { name: 'bjork', weight: 100 },
          { name: 'electronic', weight: 80 },
          { name: 'Björk', weight: 50 },
        ]),
      ],
      ownNames: ['Björk'],
      genres: ['Electronic'],
    },
    {
      label: 'drops the album title too',
      lists: [
        lastfm([
          { name: 'Kid A', weight: 100 },
          { name: 'electronic', weight: 80 },
          { name: 'radiohead', weight: 70 },
        ]),
      ],
      ownNames: ['Radiohead', 'Kid A'],
      genres: ['Electronic'],
    },
    {
      label: 'ranks a genre two providers agree on above single-provider ones',
      lists: [
        plex('genre', ['Rock', 'Pop']),
        lastfm([
          { name: 'jazz', weight: 100 },
          { name: 'pop', weight: 90 },
        ]),
      ],
      genres: ['Pop', 'Rock', 'Jazz'],
    },
    {
      label: 'breaks ties by provider priority, then position',
      lists: [plex('genre', ['Rock']), lastfm([{ name: 'folk', weight: 100 }])],
      genres: ['Rock', 'Folk'],
    },
    {
      label: 'keeps at most maxGenres, strongest first',
      lists: [
        lastfm([
          { name: 'a-rock', weight: 20 },
          { name: 'b-rock', weight: 100 },
          { name: 'c-rock', weight: 60 },
          { name: 'd-rock', weight: 90 },
        ]),
      ],
      maxGenres: 2,
      genres: ['B-Rock', 'D-Rock'],
    },
    {
      label: 'merges `world` and `world music`',
      lists: [plex('genre', ['World']), lastfm([{ name: 'world music', weight: 100 }])],
      genres: ['World Music'],
    },
    {
      label: 'merges `gothic rock` and `goth rock`',
      lists: [
        lastfm([
          { name: 'goth rock', weight: 100 },
          { name: 'Gothic Rock', weight: 90 },
        ]),
      ],
      genres: ['Gothic Rock'],
    },
    {
      label: 'merges `<genre> music` with the genre',
      lists: [
        lastfm([
          { name: 'country music', weight: 100 },
          { name: 'country', weight: 80 },
          { name: 'folk music', weight: 50 },
        ]),
      ],
      genres: ['Country', 'Folk'],
    },
    {
      label: 'drops every artist of a `feat.` credit, the main one included',
      lists: [
        lastfm([
          { name: 'jay-z', weight: 100 },
          { name: 'hip-hop', weight: 90 },
          { name: 'alicia keys', weight: 60 },
        ]),
      ],
      ownNames: ['Jay-Z feat. Alicia Keys'],
      genres: ['Hip-Hop'],
    },
    {
      label: 'drops every artist of a `&` or `featuring` credit',
      lists: [
        lastfm([
          { name: 'Simon', weight: 100 },
          { name: 'garfunkel', weight: 90 },
          { name: 'folk rock', weight: 80 },
        ]),
      ],
      ownNames: ['Simon & Garfunkel featuring Paul Desmond'],
      genres: ['Folk Rock'],
    },
    {
      label: 'drops the artist’s name without its leading article',
      lists: [
        lastfm([
          { name: 'beatles', weight: 100 },
          { name: 'rock', weight: 90 },
          { name: 'prodigy', weight: 80 },
          { name: 'xx', weight: 70 },
        ]),
      ],
      ownNames: ['The Beatles', 'The Prodigy', 'The xx'],
      genres: ['Rock'],
    },
    {
      label: 'keeps a genre that is one part of a credit',
      lists: [
        lastfm([
          { name: 'jazz', weight: 100 },
          { name: 'blues', weight: 90 },
          { name: 'jazz & blues orchestra', weight: 80 },
        ]),
      ],
      ownNames: ['Jazz & Blues Orchestra'],
      genres: ['Jazz', 'Blues'],
    },
    {
      label: 'keeps a specific style beside the broader genre',
      lists: [plex('genre', ['R&B']), plex('style', ['Contemporary R&B']), lastfm([{ name: 'mandopop', weight: 100 }])],
      genres: ['R&B', 'Contemporary R&B', 'Mandopop'],
    },
  ])('$label', ({ lists, genres, ownNames = [], maxGenres = 10 }) => {
    expect(mergeTags(lists, settings({ ownNames, maxGenres })).genres).toEqual(genres);
  });

  it('treats Plex styles as genres and lists them on their own as well', () => {
    const merged = mergeTags([plex('genre', ['Rock']), plex('style', ['Britpop', 'Alternative Rock'])], settings());
    expect(merged.genres).toEqual(['Rock', 'Britpop', 'Alternative Rock']);
    expect(merged.styles).toEqual(['Britpop', 'Alternative Rock']);
  });

  it('keeps Plex moods as moods and moves mood tags of free-form providers to moods', () => {
    const merged = mergeTags(
      [
        plex('mood', ['Melancholy', 'Brooding']),
        lastfm([
          { name: 'trip-hop', weight: 100 },
          { name: 'melancholy', weight: 70 },
          { name: 'chill', weight: 50 },
        ]),
      ],
      settings(),
    );
    expect(merged.genres).toEqual(['Trip-Hop']);
    expect(merged.moods).toEqual(['Melancholy', 'Brooding', 'Chill']);
  });

  it('names as contributors only the providers whose tags survived', () => {
    const merged = mergeTags([plex('genre', ['Rock']), lastfm([{ name: 'seen live', weight: 100 }])], settings());
    expect([...merged.contributors]).toEqual(['plex']);
    expect([...mergeTags([lastfm([{ name: 'seen live', weight: 100 }])], settings()).contributors]).toEqual([]);
  });

  it('does not count a provider whose only tags were cut by maxGenres', () => {
    const merged = mergeTags(
      [plex('genre', ['Rock', 'Pop']), lastfm([{ name: 'jazz', weight: 100 }])],
      settings({ maxGenres: 2 }),
    );
    expect(merged.genres).toEqual(['Rock', 'Pop']);
    expect([...merged.contributors]).toEqual(['plex']);
  });

  it('normalises a plain list (a track’s Plex tags)', () => {
    expect(normaliseGenreList(['hip hop', 'Hip-Hop', '', '  ', 'Seen Live', 'rnb'], settings())).toEqual([
      'Hip-Hop',
      'R&B',
    ]);
  });
});

describe('parent genres and allow-list mode', () => {
  const lastfm = (tags: Array<[string, number]>): TagList<'lastfm'> => ({
    source: 'lastfm',
    facet: 'genre',
    weighting: 'relative',
    tags: tags.map(([name, weight]) => ({ name, weight })),
  });

  it('adds every ancestor of a genre, closest first, after the genre itself', () => {
    const rules = buildGenreRules({ parents: { 'tech house': ['techno', 'house'], house: ['electronic'] } });
    const merged = mergeTags([lastfm([['Tech House', 100]])], { rules, maxGenres: 10, ownNames: [] });
    expect(merged.genres).toEqual(['Tech House', 'Techno', 'House', 'Electronic']);
  });

  it('sums a shared parent over its children, so it outranks each of them', () => {
    const rules = buildGenreRules({ parents: { 'tech house': ['house'], 'deep house': ['house'] } });
    const merged = mergeTags(
      [
        lastfm([
          ['tech house', 100],
          ['deep house', 50],
        ]),
      ],
      {
        rules,
        maxGenres: 2,
        ownNames: [],
      },
    );
    expect(merged.genres).toEqual(['House', 'Tech House']);
  });

  it('refuses a cycle of parents', () => {
    expect(() => buildGenreRules({ parents: { a: ['b'], b: ['a'] } })).toThrow(/cycle/);
  });

  it('keeps only known genres in allow-list mode, and moods still', () => {
    const rules = buildGenreRules({ allowList: { enabled: true, genres: ['shoegaze'] } });
    const merged = mergeTags(
      [
        {
          ...lastfm([
            ['shoegaze', 100],
            ['hip-hop', 90],
            ['my cat likes it', 80],
            ['melancholy', 70],
          ]),
          routeMoods: true,
        },
      ],
      { rules, maxGenres: 10, ownNames: [] },
    );
    expect(merged.genres).toEqual(['Shoegaze', 'Hip-Hop']);
    expect(merged.moods).toEqual(['Melancholy']);
    const off = mergeTags(
      [
        lastfm([
          ['shoegaze', 100],
          ['my cat likes it', 80],
        ]),
      ],
      {
        rules: buildGenreRules(),
        maxGenres: 10,
        ownNames: [],
      },
    );
    expect(off.genres).toContain('My Cat Likes It');
  });
});
