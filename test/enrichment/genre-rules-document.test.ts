import { describe, expect, it } from 'vitest';
import { ConfigError, genreRuleExtensions, parseConfig } from '../../src/config.ts';
import { enrichmentSettingsFromConfig } from '../../src/enrichment/settings.ts';
import { buildGenreRules, buildGenreRulesFromDocument, canonicalGenreKey } from '../../src/enrichment/genre-rules.ts';
import {
  applyGenreRulesChange,
  GenreRulesError,
  parseGenreRulesDocument,
  seedGenreRulesDocument,
} from '../../src/enrichment/genre-rules-document.ts';
import { GenreRulesPreviewTally } from '../../src/enrichment/genre-rules-preview.ts';

const empty = {
  format: 1 as const,
  aliases: {},
  blocklist: { tags: [], patterns: [] },
  parents: {},
  allowList: { enabled: false, genres: [] },
};

describe('the rules document', () => {
  it('reads a spelling listed under a genre as that genre, whatever the order of the table', () => {
    const before = buildGenreRulesFromDocument({
      ...empty,
      aliases: { 'Alternative Rock': ['rock'], Rock: ['rock music'] },
    });
    const after = buildGenreRulesFromDocument({
      ...empty,
      aliases: { Rock: ['rock music'], 'Alternative Rock': ['rock'] },
    });
    for (const rules of [before, after]) {
      expect(canonicalGenreKey('Rock', rules)).toBe('alternativerock');
      expect(canonicalGenreKey('rock music', rules)).toBe('rock');
    }
  });

  it('seeds from the shipped files with GENRE_ALIASES folded into the alias table', () => {
    const document = seedGenreRulesDocument({ extraAliases: ['hip hop rap=hiphop', 'rock=Alternative Rock'] });
    expect(document.aliases['Hip-Hop']).toContain('hip hop rap');
    expect(document.aliases['Alternative Rock']).toContain('rock');
    const rules = buildGenreRules({ extraAliases: ['rock=Alternative Rock'] });
    expect(canonicalGenreKey('rock', rules)).toBe('alternativerock');
  });

  it('moves a spelling from one genre to another, and leaves the base document as it was', () => {
    const base = { ...empty, aliases: { Electronic: ['electronica'] } };
    const changed = applyGenreRulesChange(base, { addAliases: [{ from: 'Electronica', to: 'Ambient' }] });
    expect(changed.aliases).toEqual({ Electronic: [], Ambient: ['Electronica'] });
    expect(base.aliases).toEqual({ Electronic: ['electronica'] });
  });

  it('blocks and unblocks tags and patterns, sets and removes parents, turns allow-list mode on', () => {
    let document = applyGenreRulesChange(empty, {
      block: ['Christmas', '/^dj/'],
      setParents: [{ genre: 'tech house', parents: ['techno', 'house'] }],
      allowList: { enabled: true, genres: ['shoegaze'] },
    });
    expect(document.blocklist).toEqual({ tags: ['Christmas'], patterns: ['^dj'] });
    expect(document.parents).toEqual({ 'tech house': ['techno', 'house'] });
    expect(document.allowList).toEqual({ enabled: true, genres: ['shoegaze'] });
    document = applyGenreRulesChange(document, {
      unblock: ['christmas', '/^dj/'],
      setParents: [{ genre: 'Tech House', parents: [] }],
      allowList: { enabled: false },
    });
    expect(document.blocklist).toEqual({ tags: [], patterns: [] });
    expect(document.parents).toEqual({});
    expect(document.allowList).toEqual({ enabled: false, genres: ['shoegaze'] });
  });

  it.each([
    [{ removeAliases: ['nothing'] }, /not an alias/],
    [{ unblock: ['rock'] }, /not on the blocklist/],
    [{ block: ['/[unclosed/'] }, /regular expression/],
    [{ addAliases: [{ from: '!!!', to: 'rock' }] }, /from=to/],
  ])('refuses %j naming the edit', (change, message) => {
    expect(() => applyGenreRulesChange(empty, change)).toThrow(GenreRulesError);
    expect(() => applyGenreRulesChange(empty, change)).toThrow(message);
  });

  it.each([
    ['[]', /document/],
    ['{"format": 2}', /format/],
    [JSON.stringify({ ...empty, extra: true }), /extra/],
    [JSON.stringify({ ...empty, aliases: { Rock: 'rock music' } }), /aliases\.Rock/],
  ])('refuses the file %s saying where', (text, message) => {
    expect(() => parseGenreRulesDocument(text, 'rules.json')).toThrow(message);
  });
});

describe('the preview tally', () => {
  const rules = buildGenreRulesFromDocument({ ...empty, aliases: { 'Alternative Rock': ['rock'] } });
  const fields = (genres: string[]) => ({
    genres,
    styles: [],
    moods: [],
    facets: {},
    source: ['lastfm'],
    status: 'ok',
  });

  it('tells relabels from genres gained and lost, and counts artists and albums apart', () => {
    const tally = new GenreRulesPreviewTally(rules);
    tally.add('album', { artist: 'A', title: 'X' }, fields(['Rock', 'Jazz']), fields(['Alternative Rock']));
    tally.add('album', { artist: 'B', title: 'Y' }, fields(['Rock']), fields(['Alternative Rock', 'Blues']));
    tally.add('artist', { artist: 'A' }, fields(['Rock']), fields(['Alternative Rock']));
    tally.add('artist', { artist: 'C' }, fields(['Pop']), fields(['Pop']));
    const preview = tally.result();
    expect(preview.artists).toEqual({ examined: 2, changed: 1 });
    expect(preview.albums).toEqual({ examined: 2, changed: 2 });
    expect(preview.relabels).toEqual([{ from: 'Rock', to: 'Alternative Rock', artists: 1, albums: 2 }]);
    expect(preview.lost).toEqual([{ genre: 'Jazz', artists: 0, albums: 1 }]);
    expect(preview.gained).toEqual([{ genre: 'Blues', artists: 0, albums: 1 }]);
    expect(preview.examples).toHaveLength(3);
    expect(preview.summary).toBe(
      'would change 1 artist and 2 albums: Rock → Alternative Rock (2 albums, 1 artist), Jazz lost (1 album), Blues gained (1 album)',
    );
  });

  it('says so when nothing would change', () => {
    const tally = new GenreRulesPreviewTally(rules);
    tally.add('artist', { artist: 'C' }, fields(['Pop']), fields(['Pop']));
    expect(tally.result()).toMatchObject({ summary: 'would change no entry', examples: [] });
  });
});

describe('GENRE_PARENTS and allow-list mode from configuration', () => {
  it('seeds parents and allow-list mode from the environment', () => {
    const config = parseConfig({
      GENRE_PARENTS: 'tech house=techno|house, house=electronic',
      GENRE_ALLOWLIST_MODE: 'true',
      GENRE_ALLOWLIST: 'shoegaze',
    });
    const document = seedGenreRulesDocument(genreRuleExtensions(config.genres));
    expect(document.parents).toEqual({ 'tech house': ['techno', 'house'], house: ['electronic'] });
    expect(document.allowList).toEqual({ enabled: true, genres: ['shoegaze'] });
    const rules = enrichmentSettingsFromConfig(config.genres).rules;
    expect(rules.ancestors.get('techhouse')?.map((genre) => genre.key)).toEqual(['techno', 'house', 'electronic']);
    expect(rules.allowedKeys?.has('shoegaze')).toBe(true);
  });

  it.each([
    [{ GENRE_PARENTS: 'no separator' }, /GENRE_PARENTS: "no separator" must be written genre=parent\|parent/],
    [{ GENRE_PARENTS: 'a=b, b=a' }, /cycle/],
    [{ GENRE_ALLOWLIST_MODE: 'perhaps' }, /GENRE_ALLOWLIST_MODE/],
  ])('refuses %j at start', (env, message) => {
    expect(() => parseConfig(env)).toThrow(ConfigError);
    expect(() => parseConfig(env)).toThrow(message);
  });
});
