// MusicBrainz web service bodies: artist lookups with `inc=genres`/`tags`, search results
// with scores, the `{error, help}` envelope, in JSON (`fmt=json` or Accept) or the default XML.
import type { MusicBrainzArtistTruth } from './library-types.ts';
import { uuidFor } from './random.ts';
import { countryByCode } from './vocabulary.ts';
import { XML_DECLARATION, escapeXml } from './xml.ts';

const HELP = 'For usage, please see: https://musicbrainz.org/development/mmd';

export const RATE_LIMIT_MESSAGE =
  'Your requests are exceeding the allowable rate limit. Please see http://wiki.musicbrainz.org/XMLWebService for more information.';

const TYPE_IDS: Record<string, string> = {
  Person: 'b6e035f4-3ce9-331c-97df-83397230b0df',
  Group: 'e431f5f6-b5d2-343d-8b36-72607fffb74b',
};
const COUNTRY_AREA_TYPE_ID = '06dd0ae4-8c74-30bb-b43d-95dcedf961de';
const AREA_NAMES: Record<string, string> = { US: 'United States', GB: 'United Kingdom' };

export type Format = 'json' | 'xml';

function area(code: string): Record<string, unknown> {
  return {
    id: uuidFor('musicbrainz-area', code),
    name: AREA_NAMES[code] ?? countryByCode(code).plex,
    'sort-name': AREA_NAMES[code] ?? countryByCode(code).plex,
    type: 'Country',
    'type-id': COUNTRY_AREA_TYPE_ID,
    'iso-3166-1-codes': [code],
    disambiguation: '',
  };
}

const byName = <T extends { name: string }>(items: readonly T[]): T[] =>
  [...items].sort((a, b) => a.name.localeCompare(b.name));

export interface Includes {
  genres: boolean;
  tags: boolean;
}

export function artistLookupJson(artist: MusicBrainzArtistTruth, includes: Includes): Record<string, unknown> {
  const body: Record<string, unknown> = {
    id: artist.id,
    name: artist.name,
    'sort-name': artist.sortName,
    type: artist.type,
    'type-id': TYPE_IDS[artist.type] ?? null,
    gender: null,
    'gender-id': null,
    country: artist.country,
    area: area(artist.country),
    'begin-area': null,
    'end-area': null,
    'life-span': { begin: String(artist.beginYear), end: null, ended: false },
    disambiguation: artist.disambiguation,
    isnis: [],
    ipis: [],
  };
  if (includes.genres) {
    body['genres'] = byName(artist.genres).map((genre) => ({
      id: genre.id,
      name: genre.name,
      count: genre.count,
      disambiguation: '',
    }));
  }
  if (includes.tags) body['tags'] = byName(artist.tags).map((tag) => ({ name: tag.name, count: tag.count }));
  return body;
}

export function searchHitJson(artist: MusicBrainzArtistTruth, score: number): Record<string, unknown> {
  const hit: Record<string, unknown> = {
    id: artist.id,
    type: artist.type,
    'type-id': TYPE_IDS[artist.type] ?? null,
    score,
    name: artist.name,
    'sort-name': artist.sortName,
    country: artist.country,
    area: area(artist.country),
    'life-span': { begin: String(artist.beginYear), ended: null },
  };
  if (artist.disambiguation !== '') hit['disambiguation'] = artist.disambiguation;
  if (artist.tags.length > 0) hit['tags'] = byName(artist.tags).map((tag) => ({ count: tag.count, name: tag.name }));
  return hit;
}

export function errorJson(message: string): Record<string, string> {
  return { error: message, help: HELP };
}

export function errorXml(message: string): string {
  return `${XML_DECLARATION}<error><text>${escapeXml(message)}</text><text>${escapeXml(HELP)}</text></error>`;
}

const MMD = 'http://musicbrainz.org/ns/mmd-2.0#';

function artistXmlInner(artist: MusicBrainzArtistTruth, includes: Includes): string {
  let inner = `<name>${escapeXml(artist.name)}</name><sort-name>${escapeXml(artist.sortName)}</sort-name>`;
  inner += `<country>${artist.country}</country><life-span><begin>${artist.beginYear}</begin></life-span>`;
  if (includes.genres) {
    inner += `<genre-list>${byName(artist.genres)
      .map((genre) => `<genre count="${genre.count}" id="${genre.id}"><name>${escapeXml(genre.name)}</name></genre>`)
      .join('')}</genre-list>`;
  }
  if (includes.tags) {
    inner += `<tag-list>${byName(artist.tags)
      .map((tag) => `<tag count="${tag.count}"><name>${escapeXml(tag.name)}</name></tag>`)
      .join('')}</tag-list>`;
  }
  return inner;
}

export function artistLookupXml(artist: MusicBrainzArtistTruth, includes: Includes): string {
  return `${XML_DECLARATION}<metadata xmlns="${MMD}"><artist id="${artist.id}" type="${artist.type}" type-id="${TYPE_IDS[artist.type] ?? ''}">${artistXmlInner(artist, includes)}</artist></metadata>`;
}

export function searchXml(
  hits: ReadonlyArray<{ artist: MusicBrainzArtistTruth; score: number }>,
  total: number,
  offset: number,
  created: string,
): string {
  const items = hits
    .map(
      ({ artist, score }) =>
        `<artist id="${artist.id}" type="${artist.type}" type-id="${TYPE_IDS[artist.type] ?? ''}" xmlns:ns2="http://musicbrainz.org/ns/ext#-2.0" ns2:score="${score}">${artistXmlInner(artist, { genres: false, tags: true })}</artist>`,
    )
    .join('');
  return `${XML_DECLARATION}<metadata xmlns="${MMD}" created="${created}"><artist-list count="${total}" offset="${offset}">${items}</artist-list></metadata>`;
}

/**
 * The artist name a Lucene query asks for: `artist:"AC/DC"`, `artist:AC\/DC`, `"Björk"` or plain words.
 * Other fields (`country:US`), operators and escapes are dropped.
 */
export function queryName(query: string): string {
  const field = /(?:^|[\s(])(?:artist|artistaccent|name):("((?:[^"\\]|\\.)*)"|((?:[^\s\\()]|\\.)+))/i.exec(query);
  let raw = field !== null ? (field[2] ?? field[3] ?? '') : query;
  if (field === null) {
    raw = raw
      .replace(/(?:^|\s)[a-z-]+:("(?:[^"\\]|\\.)*"|(?:[^\s\\]|\\.)+)/gi, ' ')
      .replace(/\b(?:AND|OR|NOT)\b/g, ' ');
    const quoted = /"((?:[^"\\]|\\.)*)"/.exec(raw);
    if (quoted?.[1] !== undefined) raw = quoted[1];
  }
  return raw.replace(/\\(.)/g, '$1').replace(/[()"]/g, ' ').replace(/\s+/g, ' ').trim();
}
