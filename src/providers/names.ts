// Names travel to five APIs and come back in their spelling; these two functions decide whether they
// arrive intact (encoding) and whether an answer is about the artist we asked for (matching).

/**
 * RFC 3986 percent-encoding of one query component. Spaces become %20, not "+": a server that decodes
 * with plain percent-decoding would otherwise read "Simon+&+Garfunkel" with literal plus signs, while
 * %20 is read as a space by every decoder. `!'()*` are encoded too (encodeURIComponent leaves them).
 */
export function encodeComponent(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

export type QueryValue = string | number | boolean | undefined;

/** A query string with every value encoded by `encodeComponent`; undefined values are left out. */
export function buildQuery(parameters: Record<string, QueryValue>): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(parameters)) {
    if (value === undefined) continue;
    parts.push(`${encodeComponent(key)}=${encodeComponent(String(value))}`);
  }
  return parts.join('&');
}

/** Joins a configured base URL (no trailing slash needed) and a path, then the query. */
export function buildUrl(base: string, path: string, parameters: Record<string, QueryValue> = {}): string {
  const trimmedBase = base.replace(/\/+$/, '');
  const trimmedPath = path === '' ? '' : `/${path.replace(/^\/+/, '')}`;
  const query = buildQuery(parameters);
  return `${trimmedBase}${trimmedPath}${query === '' ? '' : `?${query}`}`;
}

/**
 * A comparison key for artist names: compatibility-folded, case-folded, accents removed, `&` read as
 * "and", punctuation dropped, spaces collapsed. "Björk" = "bjork", "AC/DC" = "ACDC",
 * "Simon and Garfunkel" = "Simon & Garfunkel". Names that are only punctuation ("!!!") keep it, so they
 * still match themselves and nothing else.
 */
export function normaliseName(name: string): string {
  const folded = name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLocaleLowerCase('und')
    .replace(/[‐-―−]/g, '-')
    .replace(/[‘’‚‛′`´]/g, "'");
  const words = folded
    .replace(/&/g, ' and ')
    .replace(/[^\p{L}\p{N}\s]+/gu, '')
    .replace(/\s+/g, ' ')
    .trim();
  return words === '' ? folded.replace(/\s+/g, ' ').trim() : words;
}
