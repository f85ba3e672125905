// Minimal XML writing: Plex, Last.fm and MusicBrainz all answer XML unless JSON is asked for.

export function escapeXml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

export type XmlAttributeValue = string | number | boolean | null | undefined;

export interface XmlElement {
  name: string;
  attributes?: Record<string, XmlAttributeValue>;
  children?: readonly XmlElement[];
  text?: string;
}

function attributeText(value: XmlAttributeValue): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value ? '1' : '0';
  return String(value);
}

export function openTag(name: string, attributes: Record<string, XmlAttributeValue> = {}, selfClosing = false): string {
  let out = `<${name}`;
  for (const [key, value] of Object.entries(attributes)) {
    const rendered = attributeText(value);
    if (rendered !== undefined) out += ` ${key}="${escapeXml(rendered)}"`;
  }
  return `${out}${selfClosing ? ' />' : '>'}`;
}

export function renderElement(element: XmlElement): string {
  const children = element.children ?? [];
  if (children.length === 0 && element.text === undefined) return openTag(element.name, element.attributes, true);
  const inner = (element.text === undefined ? '' : escapeXml(element.text)) + children.map(renderElement).join('');
  return `${openTag(element.name, element.attributes)}${inner}</${element.name}>`;
}

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';
