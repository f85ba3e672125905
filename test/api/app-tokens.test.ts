// Named app tokens, made and revoked with the real `linernotes tokens` command (another process) and used
// over HTTP, graphql-ws and SSE: scopes, the per-minute quota, last use, and revocation at once.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import { httpQuery, sseCollect, wsClient, wsCollect } from '../support/graphql-clients.ts';
import { type Harness, startHarness } from '../support/harness.ts';
import { type ApiServer, startApiServer } from './support/api-server.ts';
import { populate } from './support/populate.ts';
import { refusal } from './support/results.ts';
import { NO_SCHEDULES } from './support/worker.ts';

const API_TOKEN = 'api-token-0123456789abcdef';
const READ_TOKEN = 'read-token-0123456789abcdef';
const LOOKUP = 'mutation { lookupArtists(names: ["Björk"]) { name } }';
const WARM = 'mutation { warmArtistCache(input: { dryRun: true }) { id } }';
const READ = '{ cacheStats { artists { total } } }';

describe('app tokens', () => {
  let harness: Harness;
  let api: ApiServer;
  let workDir: string;

  const cli = (args: string[]) => runCli(args, { env: harness.env, cwd: workDir });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  async function addToken(args: string[]): Promise<string> {
    const result = await cli(['tokens', 'add', ...args]);
    expect(result.code, result.stderr).toBe(0);
    const token = result.stdout.trim();
    expect(token).toMatch(/^lnr_[A-Za-z0-9_-]{43}$/);
    return token;
  }
  async function runCount(): Promise<number> {
    const { rows } = await harness.db.pool.query<{ runs: number }>('SELECT count(*)::int AS runs FROM job_runs');
    return rows[0]?.runs ?? -1;
  }

  beforeAll(async () => {
    harness = await startHarness({ sims: { seed: 3, artists: 4 }, env: NO_SCHEDULES });
    await populate(harness, ['cache-warm']);
    workDir = await mkdtemp(path.join(os.tmpdir(), 'linernotes-tokens-'));
    api = await startApiServer(harness, {
      config: { ...harness.config, apiToken: API_TOKEN, readToken: READ_TOKEN },
    });
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    await harness?.close();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('a read token reads over HTTP, graphql-ws and SSE, but cannot look up or mutate, and changes nothing', async () => {
    const token = await addToken(['dashboard', '--read']);
    const read = await httpQuery<{ cacheStats: { artists: { total: number } } }>(
      api.url,
      READ,
      undefined,
      bearer(token),
    );
    expect(read.data?.cacheStats.artists.total).toBeGreaterThan(0);
    const ws = wsClient(api.url, { Authorization: `Bearer ${token}` });
    try {
      const [overWs] = await wsCollect<{ cacheStats: { artists: { total: number } } }>(ws, READ);
      expect(overWs?.data?.cacheStats.artists.total).toBe(read.data?.cacheStats.artists.total);
    } finally {
      await ws.dispose();
    }
    const [overSse] = await sseCollect<{ cacheStats: { artists: { total: number } } }>(
      api.url,
      READ,
      undefined,
      bearer(token),
    );
    expect(overSse?.data?.cacheStats.artists.total).toBe(read.data?.cacheStats.artists.total);

    const before = await runCount();
    expect(refusal(await httpQuery(api.url, WARM, undefined, bearer(token))).extensions).toEqual({
      code: 'NOT_ALLOWED',
      reason: 'SCOPE',
    });
    const lookup = refusal(await httpQuery(api.url, LOOKUP, undefined, bearer(token)));
    expect(lookup).toEqual({
      message: 'the token "dashboard" has the read scope; lookups need the lookup or admin scope',
      extensions: { code: 'NOT_ALLOWED', reason: 'SCOPE' },
    });
    expect(await runCount()).toBe(before);
  });

  it('a lookup token looks up but cannot start jobs; an admin token can', async () => {
    const lookupToken = await addToken(['player', '--lookup']);
    const looked = await httpQuery<{ lookupArtists: Array<{ name: string }> }>(
      api.url,
      LOOKUP,
      undefined,
      bearer(lookupToken),
    );
    expect(looked.data?.lookupArtists[0]?.name).toBe('Björk');
    expect(refusal(await httpQuery(api.url, WARM, undefined, bearer(lookupToken))).extensions.reason).toBe('SCOPE');
    const adminToken = await addToken(['ops', '--admin']);
    const warm = await httpQuery<{ warmArtistCache: { id: string } }>(api.url, WARM, undefined, bearer(adminToken));
    expect(warm.data?.warmArtistCache.id).toMatch(/^\d+$/);
    await httpQuery(
      api.url,
      `mutation { cancelJobRun(id: "${warm.data?.warmArtistCache.id}") { id } }`,
      undefined,
      bearer(API_TOKEN),
    );
  });

  it('a lookup token over its quota is refused with the seconds until it may retry; list shows its last use', async () => {
    const token = await addToken(['mixer', '--lookup', '--quota', '3']);
    // Near the end of a minute the count would start over halfway; wait for a fresh minute then.
    const secondsLeft = 60 - new Date().getUTCSeconds();
    if (secondsLeft < 15) await new Promise((resolve) => setTimeout(resolve, secondsLeft * 1000 + 500));
    for (let request = 0; request < 3; request += 1) {
      const allowed = await httpQuery(api.url, LOOKUP, undefined, bearer(token));
      expect(allowed.errors).toBeUndefined();
    }
    const over = refusal(await httpQuery(api.url, LOOKUP, undefined, bearer(token)));
    expect(over.extensions).toMatchObject({ code: 'NOT_ALLOWED', reason: 'QUOTA' });
    const retry = over.extensions.retryAfterSeconds;
    expect(typeof retry === 'number' && retry >= 1 && retry <= 60).toBe(true);
    expect(over.message).toContain('more than its 3 requests this minute');
    // Reads count too, and are refused with an HTTP 429 and Retry-After.
    const response = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(token) },
      body: JSON.stringify({ query: READ }),
    });
    expect(response.status).toBe(429);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);

    const list = await cli(['tokens', 'list', '--json']);
    expect(list.code).toBe(0);
    expect(list.stdout).not.toContain('lnr_');
    const listed = JSON.parse(list.stdout) as Array<{
      name: string;
      quotaPerMinute: number | null;
      lastUsedAt: string | null;
    }>;
    const mixer = listed.find((entry) => entry.name === 'mixer');
    expect(mixer?.quotaPerMinute).toBe(3);
    expect(Date.now() - Date.parse(mixer?.lastUsedAt ?? '')).toBeLessThan(60_000);
    expect(listed.find((entry) => entry.name === 'dashboard')?.lastUsedAt).not.toBeNull();
    const table = await cli(['tokens', 'list']);
    expect(table.stdout).toMatch(/^mixer\s+lookup\s+3\s+\S+\s+20\d\d-/m);
  });

  it('a revoked token stops working at once, also on an open graphql-ws connection', async () => {
    const token = await addToken(['phone', '--lookup']);
    const ws = wsClient(api.url, { Authorization: `Bearer ${token}` });
    try {
      const [before] = await wsCollect(ws, LOOKUP);
      expect(before?.errors).toBeUndefined();
      const revoked = await cli(['tokens', 'revoke', 'phone']);
      expect(revoked.code, revoked.stderr).toBe(0);
      const [after] = await wsCollect(ws, LOOKUP);
      expect(after?.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_ALLOWED', reason: 'WRONG_TOKEN' });
    } finally {
      await ws.dispose();
    }
    expect(refusal(await httpQuery(api.url, LOOKUP, undefined, bearer(token))).extensions.reason).toBe('WRONG_TOKEN');
    expect((await httpQuery(api.url, READ, undefined, bearer(token))).status).toBe(401);
    expect((await cli(['tokens', 'revoke', 'phone'])).code).toBe(2);
  });

  it('refuses a bad name, a bad quota, a duplicate name and no scope, with exit code 2', async () => {
    expect((await cli(['tokens', 'add', 'no scope'])).code).toBe(2);
    expect((await cli(['tokens', 'add', 'two', '--read', '--admin'])).code).toBe(2);
    expect((await cli(['tokens', 'add', 'bad name!', '--read'])).code).toBe(2);
    expect((await cli(['tokens', 'add', 'quota', '--read', '--quota', '0'])).code).toBe(2);
    const duplicate = await cli(['tokens', 'add', 'dashboard', '--read']);
    expect(duplicate.code).toBe(2);
    expect(duplicate.stderr).toContain('exists');
  });
});
