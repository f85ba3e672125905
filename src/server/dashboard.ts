// The dashboard at `/`: a static page and its ES modules from src/dashboard/, and graphql-ws's browser
// client from node_modules, all served by linernotes itself (no CDN: the machine may be offline, and
// no build step: the files are sent as they are).
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const DASHBOARD_DIR = fileURLToPath(new URL('../dashboard/', import.meta.url));
// graphql-ws's package root resolves to dist/index.cjs; its browser build (client.js and the chunk it
// imports) sits beside it, with a hashed chunk name, so the whole folder's .js files are served.
const GRAPHQL_WS_DIR = path.dirname(createRequire(import.meta.url).resolve('graphql-ws'));

const ASSET_PREFIX = '/dashboard/';
const VENDOR_PREFIX = '/dashboard/vendor/graphql-ws/';
// One flat name: no slashes, no leading dot, so no request can leave the two folders.
const SAFE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*\.(?:js|css|svg|html)$/;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

// The page talks only to this origin (HTTP and graphql-ws); nothing inline, nothing from elsewhere.
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

function fileFor(urlPath: string): string | undefined {
  if (urlPath === '/' || urlPath === '/index.html') return path.join(DASHBOARD_DIR, 'index.html');
  if (urlPath.startsWith(VENDOR_PREFIX)) {
    const name = urlPath.slice(VENDOR_PREFIX.length);
    return SAFE_NAME.test(name) && name.endsWith('.js') ? path.join(GRAPHQL_WS_DIR, name) : undefined;
  }
  if (urlPath.startsWith(ASSET_PREFIX)) {
    const name = urlPath.slice(ASSET_PREFIX.length);
    return SAFE_NAME.test(name) ? path.join(DASHBOARD_DIR, name) : undefined;
  }
  return undefined;
}

async function send(request: IncomingMessage, response: ServerResponse, file: string): Promise<void> {
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch {
    response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    response.end('not found\n');
    return;
  }
  response.writeHead(200, {
    'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
    'content-length': body.length,
    // Small files read per request: a new version of linernotes never serves an old page from a cache.
    'cache-control': 'no-cache',
    ...SECURITY_HEADERS,
  });
  response.end(request.method === 'HEAD' ? undefined : body);
}

/** Answers the request when it is for the dashboard (returns true); anything else is left to the caller. */
export function serveDashboard(request: IncomingMessage, response: ServerResponse): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const urlPath = (request.url ?? '/').split('?')[0] ?? '/';
  const file = fileFor(urlPath);
  if (file === undefined) {
    // Under /dashboard/ every other name is simply missing; elsewhere the caller decides.
    if (!urlPath.startsWith(ASSET_PREFIX)) return false;
    response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    response.end('not found\n');
    return true;
  }
  void send(request, response, file);
  return true;
}
