// Writes a MediaContainer as JSON (`Accept: application/json`) or as Plex's default XML, item by item,
// so a listing of any size streams out without being built in memory first.
import type { PlexObject } from './plex-shapes.ts';
import { XML_DECLARATION, openTag, renderElement, type XmlAttributeValue, type XmlElement } from './xml.ts';

export type PlexFormat = 'json' | 'xml';

export type ItemsKey = 'Metadata' | 'Directory';

const CHUNK_ITEMS = 50;

export function wantsJson(accept: string | undefined): boolean {
  return accept !== undefined && /application\/json/i.test(accept);
}

export function contentType(format: PlexFormat): string {
  return format === 'json' ? 'application/json' : 'text/xml;charset=utf-8';
}

function isScalar(value: unknown): value is XmlAttributeValue {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

/** In XML, list items are <Directory> for artists and albums, <Track> for tracks. */
function xmlItemName(itemsKey: ItemsKey, item: PlexObject): string {
  if (itemsKey === 'Directory') return 'Directory';
  return item['type'] === 'track' ? 'Track' : 'Directory';
}

function toXml(name: string, object: PlexObject): XmlElement {
  const attributes: Record<string, XmlAttributeValue> = {};
  const children: XmlElement[] = [];
  for (const [key, value] of Object.entries(object)) {
    if (isScalar(value)) attributes[key] = value;
    else if (Array.isArray(value)) {
      for (const child of value) {
        if (child !== null && typeof child === 'object') children.push(toXml(key, child as PlexObject));
      }
    }
  }
  return { name, attributes, children };
}

function* jsonContainer(
  container: PlexObject,
  itemsKey: ItemsKey,
  items: Iterable<PlexObject> | undefined,
): Generator<string> {
  const head = JSON.stringify(container);
  if (items === undefined) {
    yield `{"MediaContainer":${head}}`;
    return;
  }
  yield `{"MediaContainer":${head.slice(0, -1)}${head.length > 2 ? ',' : ''}"${itemsKey}":[`;
  let batch: string[] = [];
  let first = true;
  for (const item of items) {
    batch.push(JSON.stringify(item));
    if (batch.length >= CHUNK_ITEMS) {
      yield `${first ? '' : ','}${batch.join(',')}`;
      first = false;
      batch = [];
    }
  }
  if (batch.length > 0) yield `${first ? '' : ','}${batch.join(',')}`;
  yield ']}}';
}

function* xmlContainer(
  container: PlexObject,
  itemsKey: ItemsKey,
  items: Iterable<PlexObject> | undefined,
): Generator<string> {
  const attributes: Record<string, XmlAttributeValue> = {};
  for (const [key, value] of Object.entries(container)) if (isScalar(value)) attributes[key] = value;
  if (items === undefined) {
    yield `${XML_DECLARATION}${openTag('MediaContainer', attributes, true)}\n`;
    return;
  }
  yield `${XML_DECLARATION}${openTag('MediaContainer', attributes)}\n`;
  let batch: string[] = [];
  for (const item of items) {
    batch.push(renderElement(toXml(xmlItemName(itemsKey, item), item)));
    if (batch.length >= CHUNK_ITEMS) {
      yield `${batch.join('\n')}\n`;
      batch = [];
    }
  }
  if (batch.length > 0) yield `${batch.join('\n')}\n`;
  yield '</MediaContainer>\n';
}

/** `items` undefined means the container has no items key at all (an empty page, §1.8). */
export function renderContainer(
  format: PlexFormat,
  container: PlexObject,
  itemsKey: ItemsKey,
  items: Iterable<PlexObject> | undefined,
): Iterable<string> {
  return format === 'json' ? jsonContainer(container, itemsKey, items) : xmlContainer(container, itemsKey, items);
}
