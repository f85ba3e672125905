// GraphiQL at /graphql for a browser, served by linernotes itself rather than by yoga: the page
// inlines all of GraphiQL's scripts and fonts (about 9 MB, no CDN, so it works offline), so it is
// rendered once, compressed once (brotli about 1.9 MB, gzip 2.4 MB, whichever the browser takes), and
// revalidated by ETag, so a reload costs a 304. node:zlib compresses off the event loop (its thread
// pool); no package is needed for one fixed page.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';

/** What GraphiQL opens on: what linernotes is, and one of each thing to try. */
export const GRAPHIQL_DEFAULT_DOCUMENT = `# linernotes: a metadata cache for Plex music libraries. Genres, moods, play statistics and
# audio features of every artist, album and track, kept in PostgreSQL and served here.
#
# Pick an operation from the run button's menu. The Docs panel describes every field.

# What the cache holds.
query CacheStats {
  cacheStats {
    artists { total fresh expired }
    albums { total fresh expired }
    tracks { total }
  }
}

# One artist, by name (accents and case do not matter); null when it is not cached.
query Artist {
  artist(name: "björk") { name genres moods source isExpired }
}

# Starts a warm of every artist the cache lacks (or answers the run already going).
mutation WarmArtists {
  warmArtistCache(input: {}) { id status }
}

# Its progress, live: put the id WarmArtists answered in Variables, e.g. { "id": "12" }.
subscription FollowWarm($id: ID!) {
  jobRunProgress(id: $id) {
    status
    progress { current total rate etaSeconds }
    message
  }
}
`;

interface RenderedPage {
  etag: string;
  identity: Buffer;
  br: Buffer;
  gzip: Buffer;
}

let page: Promise<RenderedPage> | undefined;

async function render(): Promise<RenderedPage> {
  const identity = Buffer.from(
    renderGraphiQL({ title: 'linernotes', subscriptionsProtocol: 'WS', defaultQuery: GRAPHIQL_DEFAULT_DOCUMENT }),
    'utf8',
  );
  // Brotli quality 6: under a second, within 3% of quality 9 (which takes three times as long).
  const [br, gzipped] = await Promise.all([
    promisify(brotliCompress)(identity, {
      params: { [zlib.BROTLI_PARAM_QUALITY]: 6, [zlib.BROTLI_PARAM_SIZE_HINT]: identity.length },
    }),
    promisify(gzip)(identity, { level: 6 }),
  ]);
  return {
    etag: `"${createHash('sha256').update(identity).digest('base64url').slice(0, 27)}"`,
    identity,
    br,
    gzip: gzipped,
  };
}

/**
 * Renders and compresses the page at its first request (about a second, off the event loop), not at
 * start: most processes, and every test server, never serve it.
 */
function prepareGraphiQL(): Promise<RenderedPage> {
  page ??= render();
  return page;
}

/** Yoga's rule: a GET that accepts HTML is a browser asking for GraphiQL. */
export function wantsGraphiQL(request: IncomingMessage, path: string, graphqlPath: string): boolean {
  return (
    request.method === 'GET' &&
    (path === graphqlPath || path === `${graphqlPath}/`) &&
    (request.headers.accept ?? '').includes('text/html')
  );
}

function acceptedEncoding(header: string | undefined): 'br' | 'gzip' | undefined {
  const offered = new Map<string, number>();
  for (const part of (header ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((param) => /^\s*q=([\d.]+)\s*$/.exec(param)?.[1]).find((value) => value !== undefined);
    offered.set(name, q === undefined ? 1 : Number(q));
  }
  if ((offered.get('br') ?? 0) > 0) return 'br';
  if ((offered.get('gzip') ?? 0) > 0) return 'gzip';
  return undefined;
}

export async function sendGraphiQL(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const rendered = await prepareGraphiQL();
  const headers = {
    'content-type': 'text/html; charset=utf-8',
    etag: rendered.etag,
    // Cached, but asked again each time: a new linernotes version brings a new page.
    'cache-control': 'no-cache',
    vary: 'accept, accept-encoding',
  };
  if (request.headers['if-none-match'] === rendered.etag) {
    response.writeHead(304, headers);
    response.end();
    return;
  }
  const encoding = acceptedEncoding(request.headers['accept-encoding']);
  const body = encoding ? rendered[encoding] : rendered.identity;
  response.writeHead(200, {
    ...headers,
    ...(encoding ? { 'content-encoding': encoding } : {}),
    'content-length': body.length,
  });
  response.end(body);
}
