// ETags for single entries over GraphQL GET: a query whose root fields are only artist, album and track
// (HTTP GET, so it is cacheable) answers with an ETag, and with 304 Not Modified and no body when the
// client's If-None-Match already holds it.
//
// The ETag is a hash of the response body, not the entry's change sequence: an answer depends on more than
// one row (the fields asked for, nested entries such as an album's artist or a track's genres taken from
// its album, and isExpired and tier, which move with the clock), and a hash of the bytes changes exactly
// when the answer does. The query still runs; what a match saves is the transfer and the client's work.
import { createHash } from 'node:crypto';
import { getOperationAST, Kind, parse } from 'graphql';
import type { Plugin } from 'graphql-yoga';

const SINGLE_ENTRY_FIELDS: ReadonlySet<string> = new Set(['artist', 'album', 'track']);

/** Whether a GET's query asks only for single entries (and perhaps __typename). */
function asksForSingleEntries(url: URL): boolean {
  const query = url.searchParams.get('query');
  if (query === null) return false;
  try {
    const operation = getOperationAST(parse(query), url.searchParams.get('operationName'));
    if (operation?.operation !== 'query') return false;
    const fields = operation.selectionSet.selections;
    return (
      fields.some((field) => field.kind === Kind.FIELD && SINGLE_ENTRY_FIELDS.has(field.name.value)) &&
      fields.every(
        (field) =>
          field.kind === Kind.FIELD && (SINGLE_ENTRY_FIELDS.has(field.name.value) || field.name.value === '__typename'),
      )
    );
  } catch {
    // Not a document: yoga answers the error itself.
    return false;
  }
}

function entityTagOf(body: string): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}

/** If-None-Match holds this tag (weak comparison, as RFC 9110 prescribes for If-None-Match), or is `*`. */
function matches(ifNoneMatch: string | null, tag: string): boolean {
  if (ifNoneMatch === null) return false;
  return ifNoneMatch
    .split(',')
    .map((candidate) => candidate.trim().replace(/^W\//, ''))
    .some((candidate) => candidate === '*' || candidate === tag);
}

function isCleanResult(body: string): boolean {
  try {
    const result = JSON.parse(body) as { errors?: unknown };
    return result.errors === undefined;
  } catch {
    return false;
  }
}

export function entryEtagPlugin(): Plugin {
  return {
    async onResponse({ request, response, setResponse, fetchAPI }) {
      if (request.method !== 'GET' || response.status !== 200) return;
      if (!(response.headers.get('content-type') ?? '').includes('json')) return;
      if (!asksForSingleEntries(new URL(request.url))) return;
      const body = await response.text();
      const headers = new Headers(response.headers);
      if (!isCleanResult(body)) {
        setResponse(new fetchAPI.Response(body, { status: response.status, headers }));
        return;
      }
      const tag = entityTagOf(body);
      headers.set('etag', tag);
      // Stored by the client, but asked about again each time: the entry may change at any moment.
      headers.set('cache-control', 'private, no-cache');
      if (matches(request.headers.get('if-none-match'), tag)) {
        headers.delete('content-type');
        headers.delete('content-length');
        setResponse(new fetchAPI.Response(null, { status: 304, headers }));
        return;
      }
      setResponse(new fetchAPI.Response(body, { status: response.status, headers }));
    },
  };
}
