// Where a free-form tag ends: a genre (and under which name), a mood, a facet, or nowhere (and why).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mergeTags, type MergeSettings, type TagList } from '../../src/enrichment/genre-merge.ts';
import { buildGenreRules, defaultGenreRules } from '../../src/enrichment/genre-rules.ts';
import { FACET_FIELDS, type FacetKind, facetOf } from '../../src/enrichment/tag-facets.ts';
import { genreKey } from '../../src/enrichment/text-keys.ts';
import type { WeightedTag } from '../../src/types.ts';

type Source = 'plex' | 'lastfm';

const settings = (overrides: Partial<MergeSettings> = {}): MergeSettings => ({
  rules: defaultGenreRules,
  maxGenres: 10,
  ownNames: [],
  ...overrides,
});

const lastfm = (tags: WeightedTag[]): TagList<Source> => ({
  source: 'lastfm',
  facet: 'genre',
  tags,
  weighting: 'relative',
  minWeight: 10,
  routeMoods: true,
  routeFacets: true,
});

type Outcome =
  | { genre: string }
  | { mood: string }
  | { facet: FacetKind; name: string }
  | { dropped: 'blocklist' | 'own-name' };

/** What one Last.fm tag becomes, tagged alone on an entry with these own names. */
function outcomeOf(tag: string, ownNames: readonly string[]): Outcome | undefined {
  const merged = mergeTags([lastfm([{ name: tag, weight: 100 }])], settings({ ownNames }));
  const [genre] = merged.genres;
  if (genre !== undefined) return { genre };
  const [mood] = merged.moods;
  if (mood !== undefined) return { mood };
  for (const [kind, field] of Object.entries(FACET_FIELDS) as [FacetKind, keyof typeof merged.facets][]) {
    const [name] = merged.facets[field];
    if (name !== undefined) return { facet: kind, name };
  }
  const rules = merged.explanation.flatMap((item) => item.rules);
  if (rules.includes('own-name')) return { dropped: 'own-name' };
  if (rules.includes('blocklist')) return { dropped: 'blocklist' };
  return undefined;
}

// [raw tag, own names of the entry, outcome]
const TABLE: readonly [string, readonly string[], Outcome][] = [
  // Variant spellings merge.
  ['world', [], { genre: 'World Music' }],
  ['world music', [], { genre: 'World Music' }],
  ['Worldmusic', [], { genre: 'World Music' }],
  ['goth rock', [], { genre: 'Gothic Rock' }],
  ['gothic rock', [], { genre: 'Gothic Rock' }],
  ['goth', [], { genre: 'Gothic Rock' }],
  ['goth metal', [], { genre: 'Gothic Metal' }],
  ['downbeat', [], { genre: 'Downtempo' }],
  ['psych folk', [], { genre: 'Psychedelic Folk' }],
  ['dixieland jazz', [], { genre: 'Dixieland' }],
  ['old skool hip hop', [], { genre: 'Old School Hip Hop' }],
  ['oldie', [], { genre: 'Oldies' }],
  // A specific style keeps its own name.
  ['Contemporary R&B', [], { genre: 'Contemporary R&B' }],
  ['rnb', [], { genre: 'R&B' }],
  ['Mandopop', [], { genre: 'Mandopop' }],
  ['Film Score', [], { genre: 'Film Score' }],
  ['original soundtrack', [], { genre: 'Soundtrack' }],
  // Genres that sound like facets stay genres.
  ['celtic', [], { genre: 'Celtic' }],
  ['latin', [], { genre: 'Latin' }],
  ['soundtrack', [], { genre: 'Soundtrack' }],
  ['britpop', [], { genre: 'Britpop' }],
  ['piano rock', [], { genre: 'Piano Rock' }],
  // Own names, in the spellings fans use.
  ['jay-z', ['Jay-Z feat. Alicia Keys'], { dropped: 'own-name' }],
  ['alicia keys', ['Jay-Z feat. Alicia Keys'], { dropped: 'own-name' }],
  ['jay z', ['Jay-Z ft. Alicia Keys'], { dropped: 'own-name' }],
  ['simon', ['Simon & Garfunkel'], { dropped: 'own-name' }],
  ['beatles', ['The Beatles'], { dropped: 'own-name' }],
  ['prodigy', ['The Prodigy'], { dropped: 'own-name' }],
  ['xx', ['The xx'], { dropped: 'own-name' }],
  ['carl craig', ['Carl Craig presents Paperclip People'], { dropped: 'own-name' }],
  ['paperclip people', ['Carl Craig pres. Paperclip People'], { dropped: 'own-name' }],
  ['jah wobble', ['Jah Wobble meets Evan Parker'], { dropped: 'own-name' }],
  ['chicago', ['Chicago'], { dropped: 'own-name' }],
  ['lobos', ['Los Lobos'], { dropped: 'own-name' }],
  ['bad seeds', ['Nick Cave & the Bad Seeds'], { dropped: 'own-name' }],
  ['beatles', ['Beatles, The'], { dropped: 'own-name' }],
  // Eras.
  ['80s', [], { facet: 'era', name: '1980s' }],
  ["80's", [], { facet: 'era', name: '1980s' }],
  ['1980s', [], { facet: 'era', name: '1980s' }],
  ['eighties', [], { facet: 'era', name: '1980s' }],
  ['00s', [], { facet: 'era', name: '2000s' }],
  ['1994', [], { facet: 'era', name: '1994' }],
  ['20th century', [], { facet: 'era', name: '20th Century' }],
  // Places.
  ['british', [], { facet: 'place', name: 'United Kingdom' }],
  ['UK', [], { facet: 'place', name: 'United Kingdom' }],
  ['german', [], { facet: 'place', name: 'Germany' }],
  ['Deutsch', [], { facet: 'place', name: 'Germany' }],
  ['icelandic', [], { facet: 'place', name: 'Iceland' }],
  ['nyc', [], { facet: 'place', name: 'New York City' }],
  ['São Paulo', [], { facet: 'place', name: 'São Paulo' }],
  ['scandinavian', [], { facet: 'place', name: 'Scandinavia' }],
  // Instruments.
  ['trumpet', [], { facet: 'instrument', name: 'Trumpet' }],
  ['sitar', [], { facet: 'instrument', name: 'Sitar' }],
  ['piano', [], { facet: 'instrument', name: 'Piano' }],
  ['pianist', [], { facet: 'instrument', name: 'Piano' }],
  ['sax', [], { facet: 'instrument', name: 'Saxophone' }],
  // Labels.
  ['4AD', [], { facet: 'label', name: '4AD' }],
  ['warp', [], { facet: 'label', name: 'Warp' }],
  ['Warp Records', [], { facet: 'label', name: 'Warp' }],
  ['sub pop', [], { facet: 'label', name: 'Sub Pop' }],
  ['Some Tiny Records', [], { facet: 'label', name: 'Some Tiny Records' }],
  // Release types.
  ['compilation', [], { facet: 'releaseType', name: 'Compilation' }],
  ['concept album', [], { facet: 'releaseType', name: 'Concept Album' }],
  ['original cast recording', [], { facet: 'releaseType', name: 'Cast Recording' }],
  ['live album', [], { facet: 'releaseType', name: 'Live' }],
  ['b-sides', [], { facet: 'releaseType', name: 'B-Sides' }],
  // Moods, occasions among them.
  ['melancholy', [], { mood: 'Melancholy' }],
  ['summer', [], { mood: 'Summer' }],
  ['late night', [], { mood: 'Late Night' }],
  // Junk.
  ['seen live', [], { dropped: 'blocklist' }],
  ['influential', [], { dropped: 'blocklist' }],
  ['female vocalists', [], { dropped: 'blocklist' }],
];

describe('where a free-form tag ends', () => {
  it('has a table of at least 40 rows', () => {
    expect(TABLE.length).toBeGreaterThanOrEqual(40);
  });

  it.each(TABLE)('%s (own names %j) → %j', (tag, ownNames, expected) => {
    expect(outcomeOf(tag, ownNames)).toEqual(expected);
  });
});

describe('facet routing', () => {
  it('keeps each facet to its own limit, strongest first, and explains the rest as over the limit', () => {
    const merged = mergeTags(
      [
        lastfm([
          { name: 'shoegaze', weight: 100 },
          { name: 'british', weight: 60 },
          { name: 'london', weight: 50 },
          { name: 'uk', weight: 30 },
          { name: 'english', weight: 20 },
          { name: '90s', weight: 40 },
        ]),
      ],
      settings({ facetLimits: { eras: 2, places: 1, instruments: 3, labels: 2, releaseTypes: 3 } }),
    );
    expect(merged.genres).toEqual(['Shoegaze']);
    // british and uk are one place (60 + 30), ahead of London (50) and England (20).
    expect(merged.facets).toEqual({
      eras: ['1990s'],
      places: ['United Kingdom'],
      instruments: [],
      labels: [],
      releaseTypes: [],
    });
    const london = merged.explanation.find((item) => item.key === 'london');
    expect(london).toMatchObject({ kind: 'place', kept: false, rules: ['facet', 'over-limit'] });
    const uk = merged.explanation.find((item) => item.key === 'unitedkingdom');
    expect(uk).toMatchObject({ kind: 'place', name: 'United Kingdom', kept: true, rules: ['facet'] });
    expect(uk?.contributions.map((contribution) => contribution.rawTag)).toEqual(['british', 'uk']);
  });

  it('drops a facet tag under the weight threshold, as any other tag', () => {
    const merged = mergeTags(
      [
        lastfm([
          { name: 'rock', weight: 100 },
          { name: '80s', weight: 5 },
        ]),
      ],
      settings(),
    );
    expect(merged.facets.eras).toEqual([]);
    expect(merged.explanation.find((item) => item.key === '1980s')?.rules).toEqual(['facet', 'below-min-weight']);
  });

  it('routes only free-form lists: a Plex genre `British` stays blocked, not a place', () => {
    const plex: TagList<Source> = {
      source: 'plex',
      facet: 'genre',
      tags: [{ name: 'Rock' }, { name: 'British' }],
      weighting: 'flat',
    };
    const merged = mergeTags([plex], settings());
    expect(merged.genres).toEqual(['Rock']);
    expect(merged.facets.places).toEqual([]);
  });

  it('lets a configured alias make a facet tag a genre', () => {
    const rules = buildGenreRules({ extraAliases: ['sitar=Indian Classical'] });
    const merged = mergeTags([lastfm([{ name: 'sitar', weight: 100 }])], settings({ rules }));
    expect(merged.genres).toEqual(['Indian Classical']);
    expect(merged.facets.instruments).toEqual([]);
  });

  it('keeps facets out of allow-list mode, which is about genres', () => {
    const rules = buildGenreRules({ allowList: { enabled: true } });
    const merged = mergeTags(
      [
        lastfm([
          { name: 'made-up genre', weight: 100 },
          { name: 'trumpet', weight: 90 },
        ]),
      ],
      settings({ rules }),
    );
    expect(merged.genres).toEqual([]);
    expect(merged.facets.instruments).toEqual(['Trumpet']);
  });
});

describe('the shipped facet vocabulary', () => {
  const files = ['eras', 'places', 'instruments', 'labels', 'release-types'];
  const spellings = files.flatMap((file) => {
    const data = JSON.parse(readFileSync(`src/enrichment/data/facet-${file}.json`, 'utf8')) as {
      canonical: Record<string, string[]>;
    };
    return Object.entries(data.canonical).flatMap(([display, variants]) =>
      [display, ...variants].map((spelling) => ({ file, spelling, key: genreKey(spelling) })),
    );
  });

  it('holds hundreds of spellings', () => {
    expect(spellings.length).toBeGreaterThan(900);
  });

  it('never claims a genre of the alias table or a mood', () => {
    const clashes = spellings.filter(
      ({ key }) => defaultGenreRules.canonical.has(key) || defaultGenreRules.moodKeys.has(key),
    );
    expect(clashes).toEqual([]);
  });

  it('gives every spelling one facet only', () => {
    const fileOf = new Map<string, string>();
    const clashes: string[] = [];
    for (const { file, key, spelling } of spellings) {
      const known = fileOf.get(key);
      if (known !== undefined && known !== file) clashes.push(`${spelling}: ${known} and ${file}`);
      fileOf.set(key, file);
    }
    expect(clashes).toEqual([]);
  });

  it('reads every spelling back as its own facet', () => {
    const kindOfFile: Record<string, FacetKind> = {
      eras: 'era',
      places: 'place',
      instruments: 'instrument',
      labels: 'label',
      'release-types': 'releaseType',
    };
    const misread = spellings.filter(({ file, key }) => facetOf(key)?.kind !== kindOfFile[file]);
    expect(misread).toEqual([]);
  });
});

describe('non-genre tags of an outside list', () => {
  // Picard Last.fm.ng's mood, occasion, category, country and city lists and its decades, less every tag
  // that the genre whitelists of beets or whatlastgenre list as a genre (see the fixture's header).
  const fixture = JSON.parse(readFileSync('test/enrichment/fixtures/lastfmng-non-genre-tags.json', 'utf8')) as {
    lists: Record<string, string[]>;
  };
  const tags = Object.values(fixture.lists).flat();

  it('files at most 5% of them as genres', () => {
    expect(tags.length).toBeGreaterThanOrEqual(200);
    const asGenres = tags.filter((tag) => {
      const merged = mergeTags([lastfm([{ name: tag, weight: 100 }])], settings());
      return merged.genres.length > 0;
    });
    expect(asGenres.length / tags.length).toBeLessThanOrEqual(0.05);
  });
});
