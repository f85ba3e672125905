// GraphiQL at /graphql for a browser, served by linernotes itself rather than by yoga: the page
// inlines all of GraphiQL's scripts and fonts (about 9 MB, no CDN, so it works offline), so it is
// rendered once, compressed once (brotli about 1.9 MB, gzip 2.4 MB, whichever the browser takes), and
// revalidated by ETag, so a reload costs a 304. The rendering runs in a worker thread that exits when
// done: the package holding GraphiQL is a 9 MB script, which loaded in this process would keep about
// 30 MB of heap (its source and its string) for as long as the process lives, for a page most
// processes never serve. node:zlib is enough to compress one fixed page.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';
import { gunzip } from 'node:zlib';

const gunzipAsync = promisify(gunzip);

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

/** The page compressed both ways; a client that takes neither gets the gzip one decompressed (rare). */
interface RenderedPage {
  etag: string;
  br: Buffer;
  gzip: Buffer;
}

let page: Promise<RenderedPage> | undefined;

/** The package's CommonJS entry, which the worker requires by path (bare names resolve from here, not from it). */
const RENDER_GRAPHIQL_MODULE = createRequire(import.meta.url).resolve('@graphql-yoga/render-graphiql');

// The worker's code, evaluated as CommonJS. Brotli quality 6: under a second, within 3% of quality 9
// (which takes three times as long).
const RENDER_IN_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const zlib = require('node:zlib');
const { renderGraphiQL } = require(workerData.module);
const identity = Buffer.from(renderGraphiQL(workerData.options), 'utf8');
const br = zlib.brotliCompressSync(identity, {
  params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 6, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: identity.length },
});
const gzip = zlib.gzipSync(identity, { level: 6 });
const etag = require('node:crypto').createHash('sha256').update(identity).digest('base64url').slice(0, 27);
parentPort.postMessage({ etag, br, gzip }, [br.buffer, gzip.buffer]);
`;

async function render(): Promise<RenderedPage> {
  const worker = new Worker(RENDER_IN_WORKER, {
    eval: true,
    workerData: {
      module: RENDER_GRAPHIQL_MODULE,
      options: { title: 'linernotes', subscriptionsProtocol: 'WS', defaultQuery: GRAPHIQL_DEFAULT_DOCUMENT },
    },
  });
  const rendered = await new Promise<{ etag: string; br: Uint8Array; gzip: Uint8Array }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the GraphiQL renderer exited with code ${code}`)));
  });
  await worker.terminate();
  // The compressed pages' memory was handed over (transferred), not copied.
  const view = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { etag: `"${rendered.etag}"`, br: view(rendered.br), gzip: view(rendered.gzip) };
}

/**
 * Renders and compresses the page at its first request (about a second, off the event loop), not at
 * start: most processes, and every test server, never serve it.
 */
function prepareGraphiQL(): Promise<RenderedPage> {
  page ??= render().catch((error: unknown) => {
    // Not kept: the next request tries again.
    page = undefined;
    throw error;
  });
  return page;
}

/** The page's HTML, for yoga's own GraphiQL route (a request that reaches yoga rather than sendGraphiQL). */
export async function graphiqlHtml(): Promise<string> {
  return (await gunzipAsync((await prepareGraphiQL()).gzip)).toString('utf8');
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
  const body = encoding ? rendered[encoding] : await gunzipAsync(rendered.gzip);
  response.writeHead(200, {
    ...headers,
    ...(encoding ? { 'content-encoding': encoding } : {}),
    'content-length': body.length,
  });
  response.end(body);
}
