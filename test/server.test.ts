import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config.ts';
import { silentLogger } from '../src/logger.ts';
import { type Service, startService } from '../src/service.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { httpQuery, sseCollect, wsClient, wsCollect } from './support/graphql-clients.ts';

const STATS_QUERY = '{ cacheStats { artists { total } albums { total } tracks { total } audioFeatures { total } jobRuns { total } } }';

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
    await service.db.pool.query(`INSERT INTO job_runs (kind, trigger) VALUES ('cache-warm', 'cli'), ('cache-refresh', 'api')`);
    const result = await httpQuery(url, STATS_QUERY);
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      cacheStats: { artists: { total: 0 }, albums: { total: 0 }, tracks: { total: 0 }, audioFeatures: { total: 0 }, jobRuns: { total: 2 } },
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

  it('answers a bad query with a GraphQL error, not a crash', async () => {
    const result = await httpQuery(url, '{ cacheStats { nope } }');
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.message).toMatch(/Cannot query field "nope"/);
  });
});
