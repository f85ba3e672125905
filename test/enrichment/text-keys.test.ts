import { describe, expect, it } from 'vitest';
import { canonicalGenreKey, defaultGenreRules } from '../../src/enrichment/genre-rules.ts';
import { foldText, genreKey, normaliseNameKey } from '../../src/enrichment/text-keys.ts';

const canonical = (tag: string) => canonicalGenreKey(tag, defaultGenreRules);

describe('genre keys', () => {
  it.each([
    [
      'hip-hop / hip hop / Hip Hop / hiphop / HIP‐HOP',
      ['hip-hop', 'hip hop', 'Hip Hop', 'hiphop', 'HIP‐HOP', '  hip   hop  '],
    ],
    [
      'drum & bass family',
      [
        'drum & bass',
        'drum and bass',
        "drum'n'bass",
        'drum ’n’ bass',
        'drum n bass',
        'Drum & Bass',
        'dnb',
        'DnB',
        'd&b',
      ],
    ],
    ['r&b family', ['R&B', 'r&b', 'rnb', 'RnB', 'r and b', 'R & B', 'rhythm & blues', 'rhythm and blues']],
    ['rock and roll family', ['rock & roll', 'rock and roll', "rock'n'roll", "rock 'n' roll", 'rock n roll']],
    ['diacritics fold in keys', ['Laïko', 'laiko', 'LAÏKO']],
    ['separators', ['Singer/Songwriter', 'singer-songwriter', 'singer songwriter']],
    ['compatibility forms (full width)', ['ｔｒｉｐ－ｈｏｐ', 'trip hop', 'Trip-Hop']],
    ['synth-pop spellings', ['synthpop', 'synth pop', 'Synth-Pop']],
    ['post-punk spellings', ['post punk', 'postpunk', 'Post-Punk']],
    ['alias table: abbreviations', ['IDM', 'intelligent dance music']],
  ])('%s share one key', (_label, spellings) => {
    const keys = new Set(spellings.map(canonical));
    expect(keys.size).toBe(1);
    expect([...keys][0]).not.toBe('');
  });

  it.each([
    ['rock', 'pop'],
    ['post-rock', 'rock'],
    ['k-pop', 'j-pop'],
    ['drum and bass', 'bass'],
    ['ロック', 'ポップ'],
  ])('%s and %s stay apart', (a, b) => {
    expect(canonical(a)).not.toBe(canonical(b));
  });

  it.each(['', '   ', '!!!', '&', 'and', ' & ', '—', '\u200b'])('%j has no genre key', (tag) => {
    expect(genreKey(tag)).toBe('');
  });
});

describe('normaliseNameKey', () => {
  it.each([
    ['Björk', 'björk'],
    ['BJÖRK', 'Bjork'],
    ['Sigur Rós', 'sigur ros'],
    ['Simon & Garfunkel', 'Simon and Garfunkel'],
    ["Guns N' Roses", 'Guns N’ Roses'],
    ['  The   Beatles ', 'the beatles'],
    ['Beyoncé', 'Beyonce\u0301'],
    ['ＡＢＢＡ', 'ABBA'],
    ['Zero\u200bWidth', 'ZeroWidth'],
  ])('%j and %j share a key', (a, b) => {
    expect(normaliseNameKey(a)).not.toBeNull();
    expect(normaliseNameKey(a)).toBe(normaliseNameKey(b));
  });

  it('gives non-empty, distinct keys to names from every script and to punctuation-only names', () => {
    const names = [
      'AC/DC',
      '坂本龍一',
      'Μίκης Θεοδωράκης',
      '!!!',
      '#1 Dads',
      'C+C Music Factory',
      'Low',
      'ビートルズ',
      'ヒートルズ',
      'Кино',
      'Кіно',
    ];
    const keys = names.map(normaliseNameKey);
    for (const key of keys) {
      expect(key).not.toBeNull();
      expect(key).not.toBe('');
    }
    expect(new Set(keys).size).toBe(names.length);
  });

  it('keeps marks that change the letter outside Latin and Greek (Japanese voicing marks)', () => {
    expect(normaliseNameKey('バンド')).not.toBe(normaliseNameKey('ハント'));
    expect(foldText('Μίκης')).toBe('μικησ');
  });

  it.each(['', '   ', '\u200b', '\t\n'])('%j has no key at all (null), so it can never match', (name) => {
    expect(normaliseNameKey(name)).toBeNull();
  });
});
