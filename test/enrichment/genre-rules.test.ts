import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import { displayGenre, titleCaseGenre } from '../../src/enrichment/genre-display.ts';
import {
  GenreRulesError,
  buildGenreRules,
  canonicalGenreKey,
  defaultGenreRules,
  isBlockedGenreKey,
} from '../../src/enrichment/genre-rules.ts';
import { enrichmentSettingsFromConfig } from '../../src/enrichment/settings.ts';
import { genreKey } from '../../src/enrichment/text-keys.ts';

const blocked = (tag: string, rules = defaultGenreRules) => {
  const key = genreKey(tag);
  return isBlockedGenreKey(key, rules) || isBlockedGenreKey(canonicalGenreKey(tag, rules), rules);
};

describe('built-in blocklist', () => {
  it.each([
    'seen live',
    'Seen Live',
    'seen live 2009',
    'favorites',
    'favourite',
    'Favourites',
    'my favorite',
    'Favourite Artists',
    'all-time favourites',
    'albums I own',
    'Albums I Own',
    'check out',
    'under 2000 listeners',
    'awesome',
    'spotify',
    '80s',
    '1990s',
    "00's",
    '2012',
    'british',
    'female vocalists',
    'instrumental',
  ])('drops %j', (tag) => {
    expect(blocked(tag)).toBe(true);
  });

  it.each(['rock', 'post-rock', 'UK Garage', 'british folk rock', 'hip hop', 'shoegaze', 'live electronics', '2-step'])(
    'keeps %j',
    (tag) => {
      expect(blocked(tag)).toBe(false);
    },
  );
});

describe('configuration extends the data files', () => {
  it('adds blocklist tags and /regex/ patterns', () => {
    const rules = buildGenreRules({ extraBlocklist: ['Christmas', '/^dj/'] });
    expect(blocked('christmas', rules)).toBe(true);
    expect(blocked('Xmas', rules)).toBe(true); // an alias of a blocked genre is blocked too
    expect(blocked('DJ mix', rules)).toBe(true);
    expect(blocked('christmas')).toBe(false);
  });

  it('adds aliases written from=to, landing on the built-in canonical genre', () => {
    const rules = buildGenreRules({
      extraAliases: ['hip hop rap = hiphop', 'electronica=Electronic', 'chillwave=Chill Wave'],
    });
    expect(canonicalGenreKey('Hip Hop Rap', rules)).toBe(canonicalGenreKey('Hip-Hop', rules));
    expect(rules.canonical.get(genreKey('hip hop rap'))?.display).toBe('Hip-Hop');
    expect(canonicalGenreKey('electronica', rules)).toBe('electronic');
    expect(rules.canonical.get('chillwave')?.display).toBe('Chill Wave');
    expect(canonicalGenreKey('electronica', defaultGenreRules)).toBe('electronica');
  });

  it.each([
    [{ extraAliases: ['no separator'] }, /from=to/],
    [{ extraAliases: ['=rock'] }, /from=to/],
    [{ extraAliases: ['rock='] }, /from=to/],
    [{ extraBlocklist: ['/[unclosed/'] }, /regular expression/],
    [{ extraBlocklist: ['!!!'] }, /no letters/],
  ])('rejects %j with a clear message', (extensions, message) => {
    expect(() => buildGenreRules(extensions)).toThrow(GenreRulesError);
    expect(() => buildGenreRules(extensions)).toThrow(message);
  });

  it('reads GENRE_BLOCKLIST and GENRE_ALIASES through the config', () => {
    const config = parseConfig({
      GENRE_BLOCKLIST: 'soundtrack, /^lo-?fi/',
      GENRE_ALIASES: 'dnb=Jungle',
      MAX_GENRES: '3',
      LASTFM_MIN_TAG_WEIGHT: '25',
    });
    const settings = enrichmentSettingsFromConfig(config.genres);
    expect(settings.maxGenres).toBe(3);
    expect(settings.lastfmMinTagWeight).toBe(25);
    expect(blocked('Soundtracks', settings.rules)).toBe(true);
    expect(canonicalGenreKey('DnB', settings.rules)).toBe('jungle');
  });
});

describe('display form', () => {
  it.each([
    ['hiphop', 'Hip-Hop'],
    ['drumnbass', 'Drum & Bass'],
    ['rnb', 'R&B'],
    ['idm', 'IDM'],
    ['singersongwriter', 'Singer-Songwriter'],
  ])('uses the canonical table for %s', (key, display) => {
    expect(displayGenre(key, new Map([['whatever', 3]]), defaultGenreRules)).toBe(display);
  });

  it.each([
    ['indie rock', 'Indie Rock'],
    ['uk funky', 'UK Funky'],
    ['music of the andes', 'Music of the Andes'],
    ['pop/rock', 'Pop/Rock'],
    ['neo-psychedelia', 'Neo-Psychedelia'],
    ['Alternative Dance', 'Alternative Dance'],
    ['McCartney-esque', 'McCartney-esque'],
    ['ｊａｚｚ', 'Jazz'],
  ])('title-cases %j as %j (capitals already there are kept)', (spelling, expected) => {
    expect(titleCaseGenre(spelling, defaultGenreRules)).toBe(expected);
  });

  it('takes the most common spelling, case-insensitively, first seen on a tie', () => {
    const spellings = new Map([
      ['post rock', 1],
      ['Post Rock', 1],
      ['post-rock', 1],
    ]);
    const rules = buildGenreRules();
    // post-rock is canonical in the table; use a genre that is not.
    expect(displayGenre('postrock', spellings, rules)).toBe('Post-Rock');
    const free = new Map([
      ['dark ambient', 1],
      ['Dark-Ambient', 1],
      ['Dark Ambient', 1],
    ]);
    expect(displayGenre('darkambient', free, rules)).toBe('Dark Ambient');
    const tie = new Map([
      ['Dark-Ambient', 1],
      ['dark ambient', 1],
    ]);
    expect(displayGenre('darkambient', tie, rules)).toBe('Dark-Ambient');
  });
});
