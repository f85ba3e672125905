import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { type OperationDefinitionNode, parse, validate } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../src/graphql/schema.ts';
import { GRAPHIQL_DEFAULT_DOCUMENT } from '../src/server/graphiql-page.ts';
import { parseConfig } from '../src/config.ts';
import { silentLogger } from '../src/logger.ts';
import { type Service, startService } from '../src/service.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { httpQuery, sseCollect, wsClient, wsCollect } from './support/graphql-clients.ts';

function rawGet(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(url, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
      );
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

const STATS_QUERY =
  '{ cacheStats { artists { total } albums { total } tracks { total } audioFeatures { total } jobRuns { total } } }';

describe('the service (API and worker in one process)', () => {
  let database: TestDatabase;
  let service: Service;
  let url: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    const config = parseConfig({ DATABASE_URL: database.url, PORT: '0', CACHE_WARM_CRON: 'off' });
    service = await startService({ config, logger: silentLogger(), worker: true, api: true });
    url = service.http?.url ?? '';
  });
  afterAll(async () => {
    await service.stop();
    await database.drop();
  });

  it('answers /healthz and, with database, migrations and worker up, /readyz', async () => {
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', database: true, migrations: true, worker: true });
  });

  it('counts the rows of every table over HTTP', async () => {
    await service.db.pool.query(
      `INSERT INTO job_runs (kind, trigger) VALUES ('cache-warm', 'cli'), ('cache-refresh', 'api')`,
    );
    const result = await httpQuery(url, STATS_QUERY);
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      cacheStats: {
        artists: { total: 0 },
        albums: { total: 0 },
        tracks: { total: 0 },
        audioFeatures: { total: 0 },
        jobRuns: { total: 2 },
      },
    });
  });

  it('answers the same query over graphql-ws and over SSE', async () => {
    const client = wsClient(url);
    try {
      const overWs = await wsCollect(client, '{ cacheStats { jobRuns { total } } }');
      expect(overWs).toEqual([{ data: { cacheStats: { jobRuns: { total: 2 } } } }]);
    } finally {
      await client.dispose();
    }
    const overSse = await sseCollect(url, '{ cacheStats { jobRuns { total } } }');
    expect(overSse).toEqual([{ data: { cacheStats: { jobRuns: { total: 2 } } } }]);
  });

  it('serves GraphiQL to a browser from this package, not a CDN', async () => {
    const response = await fetch(`${url}/graphql`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('<title>linernotes</title>');
    expect(html).not.toMatch(/unpkg\.com|cdn\.jsdelivr\.net/);
  });

  it('opens GraphiQL on a linernotes document that validates against the schema', async () => {
    const html = await (await fetch(`${url}/graphql`, { headers: { accept: 'text/html' } })).text();
    // Yoga's own welcome text ("… is an in-browser tool for writing …") stays in GraphiQL's bundle, but
    // it is shown only when no default document is given: the page carries ours.
    expect(html.includes(`"defaultQuery":${JSON.stringify(GRAPHIQL_DEFAULT_DOCUMENT)}`)).toBe(true);
    const document = parse(GRAPHIQL_DEFAULT_DOCUMENT);
    expect(validate(schema, document)).toEqual([]);
    expect(document.definitions.map((definition) => (definition as OperationDefinitionNode).operation)).toEqual([
      'query',
      'query',
      'mutation',
      'subscription',
    ]);
  });

  it('sends GraphiQL compressed, and a 304 when the browser has it already', async () => {
    const plain = await fetch(`${url}/graphql`, { headers: { accept: 'text/html', 'accept-encoding': 'identity' } });
    const plainSize = (await plain.arrayBuffer()).byteLength;
    expect(plain.headers.get('content-encoding')).toBeNull();

    for (const encoding of ['br', 'gzip'] as const) {
      // node:http, not fetch: fetch decompresses and hides the size on the wire.
      const { status, headers, body } = await rawGet(`${url}/graphql`, {
        accept: 'text/html',
        'accept-encoding': encoding,
      });
      expect(status).toBe(200);
      expect(headers['content-encoding']).toBe(encoding);
      expect(body.length).toBeLessThan(plainSize / 3);
      const decoded = encoding === 'br' ? brotliDecompressSync(body) : gunzipSync(body);
      expect(decoded.byteLength).toBe(plainSize);
    }

    const etag = plain.headers.get('etag') ?? '';
    expect(etag).not.toBe('');
    const again = await rawGet(`${url}/graphql`, {
      accept: 'text/html',
      'accept-encoding': 'br',
      'if-none-match': etag,
    });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
  });

  it('answers a bad query with a GraphQL error, not a crash', async () => {
    const result = await httpQuery(url, '{ cacheStats { nope } }');
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.message).toMatch(/Cannot query field "nope"/);
  });
});
