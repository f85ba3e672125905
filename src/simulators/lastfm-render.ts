// Last.fm response bodies: JSON converted from XML, with its quirks
// (`@attr`, `#text`, a one-element list collapsed to an object), and the XML they come from.
import type { LastfmTag } from './library-types.ts';
import { XML_DECLARATION, escapeXml } from './xml.ts';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export type EmptyTags = 'array' | 'empty-string' | 'missing';

export interface TagListShape {
  singleTagAsObject: boolean;
  emptyTags: EmptyTags;
}

const ERROR_MESSAGES: Record<number, string> = {
  3: 'Invalid Method - No method with that name in this package',
  6: 'Invalid parameters - Your request is missing a required parameter',
  8: 'Operation failed - Most likely the backend service failed. Please try again.',
  10: 'Invalid API key - You must be granted a valid key by last.fm',
  11: 'Service Offline - This service is temporarily offline. Try again later.',
  16: 'There was a temporary error processing your request. Please try again',
  26: 'Suspended API key - Access for your account has been suspended, please contact Last.fm',
  29: 'Rate Limit Exceeded - Your IP has made too many requests in a short period',
};

export const ARTIST_NOT_FOUND = 'The artist you supplied could not be found';
export const ALBUM_NOT_FOUND = 'Album not found';

export function errorBody(code: number, message?: string): { [key: string]: JsonValue } {
  return { error: code, message: message ?? ERROR_MESSAGES[code] ?? 'Operation failed', links: [] };
}

/** Last.fm URLs write spaces as `+`. */
export function lastfmPath(name: string): string {
  return encodeURIComponent(name).replace(/%20/g, '+');
}

export function tagUrl(name: string): string {
  return `https://www.last.fm/tag/${lastfmPath(name)}`;
}

/** `{tag: [...]}` with the quirks of the XML→JSON conversion, plus `@attr`. */
export function topTagsBody(
  tags: readonly LastfmTag[],
  attr: Record<string, string>,
  shape: TagListShape,
): { [key: string]: JsonValue } {
  const entries: JsonValue[] = tags.map((tag) => ({ count: tag.count, name: tag.name, url: tagUrl(tag.name) }));
  const toptags: { [key: string]: JsonValue } = {};
  if (entries.length === 1 && shape.singleTagAsObject) toptags['tag'] = entries[0] ?? null;
  else if (entries.length > 0) toptags['tag'] = entries;
  else if (shape.emptyTags === 'array') toptags['tag'] = [];
  else if (shape.emptyTags === 'empty-string') toptags['tag'] = '';
  toptags['@attr'] = attr;
  return { toptags };
}

/** The XML Last.fm answers without `format=json`; the JSON above is a conversion of it. */
function xmlOf(name: string, value: JsonValue): string {
  if (Array.isArray(value)) return value.map((item) => xmlOf(name, item)).join('');
  if (value === null) return `<${name} />`;
  if (typeof value !== 'object') return `<${name}>${escapeXml(String(value))}</${name}>`;
  const attr = value['@attr'];
  const attributes =
    attr !== undefined && attr !== null && typeof attr === 'object' && !Array.isArray(attr)
      ? Object.entries(attr)
          .map(([key, item]) => ` ${key}="${escapeXml(String(item))}"`)
          .join('')
      : '';
  const textValue = value['#text'];
  const inner =
    (typeof textValue === 'string' ? escapeXml(textValue) : '') +
    Object.entries(value)
      .filter(([key]) => key !== '@attr' && key !== '#text')
      .map(([key, item]) => xmlOf(key, item))
      .join('');
  return `<${name}${attributes}>${inner}</${name}>`;
}

export function xmlDocument(body: { [key: string]: JsonValue }): string {
  if (typeof body['error'] === 'number') {
    return `${XML_DECLARATION}<lfm status="failed">\n<error code="${body['error']}">${escapeXml(String(body['message'] ?? ''))}</error></lfm>\n`;
  }
  const inner = Object.entries(body)
    .map(([key, value]) => xmlOf(key, value))
    .join('');
  return `${XML_DECLARATION}<lfm status="ok">\n${inner}</lfm>\n`;
}
