// The dashboard's files as the HTTP server hands them out: the page, its modules, graphql-ws's
// browser build from node_modules; nothing outside those folders, and every other path left alone.
import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveDashboard } from '../../src/server/dashboard.ts';

describe('dashboard files', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((request, response) => {
      if (serveDashboard(request, response)) return;
      response.writeHead(418);
      response.end('passed on');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('serves the page at / with a policy that allows only this origin', async () => {
    const response = await fetch(`${base}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toContain("connect-src 'self'");
    const html = await response.text();
    expect(html).toContain('<script type="module" src="/dashboard/app.js"></script>');
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org)/); // nothing from a CDN
  });

  it('serves the modules, the stylesheet and graphql-ws from node_modules', async () => {
    for (const [path, type] of [
      ['/dashboard/app.js', 'text/javascript; charset=utf-8'],
      ['/dashboard/dashboard.css', 'text/css; charset=utf-8'],
      ['/dashboard/icon.svg', 'image/svg+xml'],
      ['/dashboard/vendor/graphql-ws/client.js', 'text/javascript; charset=utf-8'],
    ] as const) {
      const response = await fetch(`${base}${path}`);
      expect({ path, status: response.status, type: response.headers.get('content-type') }).toEqual({
        path,
        status: 200,
        type,
      });
    }
    // client.js imports its chunk by a relative name, which must resolve too.
    const client = await (await fetch(`${base}/dashboard/vendor/graphql-ws/client.js`)).text();
    const chunk = /from '\.\/([\w-]+\.js)'/.exec(client)?.[1];
    expect(chunk).toBeDefined();
    expect((await fetch(`${base}/dashboard/vendor/graphql-ws/${chunk}`)).status).toBe(200);
  });

  it('answers HEAD without a body', async () => {
    const response = await fetch(`${base}/dashboard/app.js`, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(Number(response.headers.get('content-length'))).toBeGreaterThan(0);
    expect(await response.text()).toBe('');
  });

  it('never serves anything outside its folders', async () => {
    // node:http sends the path as written; fetch would normalise the dot segments away first.
    const status = (path: string) =>
      new Promise<number>((resolve, reject) => {
        get({ host: '127.0.0.1', port: Number(new URL(base).port), path }, (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        }).on('error', reject);
      });
    for (const path of [
      '/dashboard/../package.json',
      '/dashboard/..%2f..%2fpackage.json',
      '/dashboard/%2e%2e/config.ts',
      '/dashboard/vendor/graphql-ws/../../../package.json',
      '/dashboard/vendor/graphql-ws/..%2Fpackage.json',
      '/dashboard/vendor/graphql-ws/package.json',
      '/dashboard/.hidden.js',
      '/dashboard/missing.js',
    ]) {
      expect({ path, status: await status(path) }).toEqual({ path, status: 404 });
    }
  });

  it('leaves every other path and method to the caller', async () => {
    expect((await fetch(`${base}/graphql`)).status).toBe(418);
    expect((await fetch(`${base}/healthz`)).status).toBe(418);
    expect((await fetch(`${base}/`, { method: 'POST', body: '{}' })).status).toBe(418);
  });
});
