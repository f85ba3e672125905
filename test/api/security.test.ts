// Who may do what: mutations need API_TOKEN, or without one a loopback peer; queries are open unless
// READ_TOKEN is set; depth, aliases and cost are bounded; secrets never reach a response.
import os from 'node:os';
import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArtistDocument, WarmArtistCacheDocument } from '../../src/generated/graphql.ts';
import { type Harness, startHarness } from '../support/harness.ts';
import { httpQuery, sseCollect, wsClient, wsCollect } from '../support/graphql-clients.ts';
import { type ApiServer, startApiServer } from './support/api-server.ts';
import { dataOf, overWs, request } from './support/operations.ts';
import { populate } from './support/populate.ts';
import { refusal } from './support/results.ts';
import { NO_SCHEDULES } from './support/worker.ts';

const API_TOKEN = 'api-token-0123456789abcdef';
const READ_TOKEN = 'read-token-0123456789abcdef';

/** One minimal call of every mutation; the test checks this list covers the whole Mutation type. */
const EVERY_MUTATION: Record<string, string> = {
  warmArtistCache: 'warmArtistCache(input: {})',
  warmAlbumCache: 'warmAlbumCache(input: {})',
  refreshExpiringCache: 'refreshExpiringCache(input: {})',
  refreshTrackStats: 'refreshTrackStats(input: {})',
  syncAudioFeatures: 'syncAudioFeatures(input: {})',
  cancelJobRun: 'cancelJobRun(id: "1")',
  clearCache: 'clearCache(input: { expiredOnly: false })',
  lookupArtists: 'lookupArtists(names: ["Björk"])',
  lookupAlbums: 'lookupAlbums(albums: [{ artist: "Björk", title: "Debut" }])',
  pinGenres: 'pinGenres(artist: "Björk", genres: ["Rock"])',
  unpinGenres: 'unpinGenres(artist: "Björk")',
  blockTag: 'blockTag(artist: "Björk", tag: "electronic")',
  unblockTag: 'unblockTag(artist: "Björk", tag: "electronic")',
  refreshEntry: 'refreshEntry(artist: "Björk")',
  proposeGenreRules: 'proposeGenreRules(change: { block: ["seen live"] })',
  applyGenreRules: 'applyGenreRules(id: "1")',
  remergeCache: 'remergeCache',
};

/** An address of this machine that is not loopback (traffic to it never leaves the machine), if there is one. */
function ownNonLoopbackAddress(): string | undefined {
  return Object.values(os.networkInterfaces())
    .flat()
    .find((address) => address !== undefined && !address.internal && address.family === 'IPv4')?.address;
}

async function counts(harness: Harness): Promise<{ runs: number; jobs: number; artists: number }> {
  const { rows } = await harness.db.pool.query<{ runs: number; jobs: number; artists: number }>(
    `SELECT (SELECT count(*)::int FROM job_runs) AS runs, (SELECT count(*)::int FROM graphile_worker.jobs) AS jobs,
            (SELECT count(*)::int FROM artist_cache) AS artists`,
  );
  return rows[0] ?? { runs: -1, jobs: -1, artists: -1 };
}

describe('API security', () => {
  let harness: Harness;
  let withToken: ApiServer;
  let noToken: ApiServer;
  let readProtected: ApiServer;

  beforeAll(async () => {
    harness = await startHarness({ sims: { seed: 3, artists: 4 }, env: NO_SCHEDULES });
    await populate(harness, ['cache-warm']);
    withToken = await startApiServer(harness, { config: { ...harness.config, apiToken: API_TOKEN } });
    noToken = await startApiServer(harness, { config: { ...harness.config, apiToken: undefined } });
    readProtected = await startApiServer(harness, {
      config: { ...harness.config, apiToken: API_TOKEN, readToken: READ_TOKEN },
    });
  }, 60_000);
  afterAll(async () => {
    for (const api of [withToken, noToken, readProtected]) await api?.close();
    await harness?.close();
  });

  it('refuses every mutation without the token, or with a wrong one, and changes nothing', async () => {
    const introspection = await httpQuery<{ __type: { fields: Array<{ name: string }> } }>(
      withToken.url,
      '{ __type(name: "Mutation") { fields { name } } }',
    );
    expect(introspection.data?.__type.fields.map((field) => field.name).sort()).toEqual(
      Object.keys(EVERY_MUTATION).sort(),
    );
    const before = await counts(harness);
    for (const [name, call] of Object.entries(EVERY_MUTATION)) {
      const query = `mutation { ${call} { __typename } }`;
      const missing = await httpQuery(withToken.url, query);
      expect({ name, refusal: refusal(missing) }).toEqual({
        name,
        refusal: {
          message: 'mutations need an Authorization: Bearer token',
          extensions: { code: 'NOT_ALLOWED', reason: 'MISSING_TOKEN' },
        },
      });
      const wrong = await httpQuery(withToken.url, query, undefined, { authorization: 'Bearer not-the-token' });
      expect({ name, refusal: refusal(wrong) }).toEqual({
        name,
        refusal: {
          message: 'the bearer token is not valid for mutations',
          extensions: { code: 'NOT_ALLOWED', reason: 'WRONG_TOKEN' },
        },
      });
    }
    expect(await counts(harness)).toEqual(before);
  });

  it('accepts a mutation with the token, over HTTP and in graphql-ws connectionParams', async () => {
    const headers = { authorization: `Bearer ${API_TOKEN}` };
    const run = dataOf(
      await request(withToken.url, WarmArtistCacheDocument, { input: { dryRun: true } }, headers),
    ).warmArtistCache;
    expect(run).toMatchObject({ status: 'QUEUED', options: { dryRun: true } });

    const wrongWs = wsClient(withToken.url, { Authorization: 'Bearer wrong' });
    const rightWs = wsClient(withToken.url, { Authorization: `Bearer ${API_TOKEN}` });
    try {
      const refused = await overWs(wrongWs, WarmArtistCacheDocument, {});
      expect(refused).toHaveLength(1);
      expect(refusal(refused[0]).extensions).toEqual({ code: 'NOT_ALLOWED', reason: 'WRONG_TOKEN' });
      const accepted = await overWs(rightWs, WarmArtistCacheDocument, {});
      expect(accepted).toHaveLength(1);
      expect(dataOf(accepted[0] ?? {}).warmArtistCache.id).toBe(run.id);
    } finally {
      await wrongWs.dispose();
      await rightWs.dispose();
    }
    await httpQuery(withToken.url, `mutation { cancelJobRun(id: "${run.id}") { __typename } }`, undefined, headers);
  });

  it('without API_TOKEN, accepts mutations from loopback only; a forwarded-for header does not count', async () => {
    const fromLoopback = await request(noToken.url, WarmArtistCacheDocument, { input: { dryRun: true } });
    const run = dataOf(fromLoopback).warmArtistCache;
    await httpQuery(noToken.url, `mutation { cancelJobRun(id: "${run.id}") { __typename } }`);

    // A server this machine reaches on a non-loopback address: the peer address is that address. Where the
    // machine has none, the same rule is exercised through the injected check.
    const address = ownNonLoopbackAddress();
    const remote = address
      ? await startApiServer(harness, { config: { ...harness.config, apiToken: undefined }, host: address })
      : await startApiServer(harness, { config: { ...harness.config, apiToken: undefined }, isLoopback: () => false });
    try {
      const before = await counts(harness);
      const headers = { 'x-forwarded-for': '127.0.0.1', forwarded: 'for=127.0.0.1' };
      const refused = refusal(await request(remote.url, WarmArtistCacheDocument, {}, headers));
      expect(refused.extensions).toEqual({ code: 'NOT_ALLOWED', reason: 'NOT_LOOPBACK' });
      expect(refused.message).toMatch(/API_TOKEN is not set, so mutations are accepted only from this machine/);
      const client = wsClient(remote.url, { Authorization: 'Bearer anything' });
      try {
        const overSocket = await overWs(client, WarmArtistCacheDocument, {});
        expect(overSocket).toHaveLength(1);
        expect(refusal(overSocket[0]).extensions).toEqual({ code: 'NOT_ALLOWED', reason: 'NOT_LOOPBACK' });
      } finally {
        await client.dispose();
      }
      expect(await counts(harness)).toEqual(before);
      // Queries stay open from anywhere.
      expect(dataOf(await request(remote.url, ArtistDocument, { name: 'bjork' })).artist?.name).toBe('Björk');
    } finally {
      await remote.close();
    }
  });

  it('with READ_TOKEN set, answers queries and subscriptions only with a token; introspection stays open', async () => {
    const refused = await request(readProtected.url, ArtistDocument, { name: 'bjork' });
    expect(refused.status).toBe(401);
    expect(refused.data).toBeUndefined();
    expect(refused.errors?.[0]).toMatchObject({
      message: 'queries need an Authorization: Bearer token',
      extensions: { code: 'NOT_ALLOWED' },
    });
    const wrong = await request(readProtected.url, ArtistDocument, { name: 'bjork' }, { authorization: 'Bearer nope' });
    expect(wrong.errors?.[0]?.message).toBe('the bearer token is not valid for queries');
    for (const token of [READ_TOKEN, API_TOKEN]) {
      const allowed = await request(
        readProtected.url,
        ArtistDocument,
        { name: 'bjork' },
        { authorization: `Bearer ${token}` },
      );
      expect(dataOf(allowed).artist?.name).toBe('Björk');
    }
    // A read token is not a mutation token.
    const mutation = await request(
      readProtected.url,
      WarmArtistCacheDocument,
      {},
      { authorization: `Bearer ${READ_TOKEN}` },
    );
    expect(refusal(mutation).extensions).toEqual({ code: 'NOT_ALLOWED', reason: 'WRONG_TOKEN' });

    const subscription = 'subscription { jobRunProgress(id: "1") { status } }';
    const sse = await fetch(`${readProtected.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: subscription }),
    });
    expect(sse.status).toBe(401);
    expect(await sse.text()).toContain('queries need an Authorization: Bearer token');
    const sseWithToken = await sseCollect(readProtected.url, '{ artist(name: "bjork") { name } }', undefined, {
      authorization: `Bearer ${READ_TOKEN}`,
    });
    expect(sseWithToken).toEqual([{ data: { artist: { name: 'Björk' } } }]);
    const anonymous = wsClient(readProtected.url);
    const reader = wsClient(readProtected.url, { Authorization: `Bearer ${READ_TOKEN}` });
    try {
      await expect(wsCollect(anonymous, '{ artist(name: "bjork") { name } }')).resolves.toEqual([
        expect.objectContaining({
          errors: [expect.objectContaining({ message: 'queries need an Authorization: Bearer token' })],
        }),
      ]);
      expect(await wsCollect(reader, '{ artist(name: "bjork") { name } }')).toEqual([
        { data: { artist: { name: 'Björk' } } },
      ]);
    } finally {
      await anonymous.dispose();
      await reader.dispose();
    }
    const introspection = await httpQuery<{ __schema: { queryType: { name: string } } }>(
      readProtected.url,
      getIntrospectionQuery(),
    );
    expect(introspection.errors).toBeUndefined();
    expect(introspection.data?.__schema.queryType.name).toBe('Query');
  });

  it('refuses a depth bomb and an alias flood, over HTTP and graphql-ws, and still answers GraphiQL’s introspection', async () => {
    // artist → albums → artist → albums …: 16 levels, each one cheap, so depth is what refuses it.
    let bomb = 'name';
    for (let level = 0; level < 7; level++) bomb = `albums { artist { ${bomb} } }`;
    const depthQuery = `{ artist(name: "bjork") { ${bomb} } }`;
    const deep = await httpQuery(noToken.url, depthQuery);
    expect(deep.data).toBeUndefined();
    expect(deep.errors?.map((error) => error.message)).toContainEqual(
      expect.stringMatching(/Query depth limit of 10 exceeded, found 1\d/),
    );

    const flood = `{ ${Array.from({ length: 50 }, (_, index) => `a${index}: cacheStats { jobRuns { total } }`).join(' ')} }`;
    const aliases = await httpQuery(noToken.url, flood);
    expect(aliases.data).toBeUndefined();
    expect(aliases.errors?.map((error) => error.message)).toContainEqual(
      expect.stringMatching(/Aliases limit of 20 exceeded, found 50/),
    );

    const client = wsClient(noToken.url);
    try {
      await expect(wsCollect(client, depthQuery)).rejects.toThrow(/Query depth limit of 10 exceeded/);
      await expect(wsCollect(client, flood)).rejects.toThrow(/Aliases limit of 20 exceeded/);
      // A refused operation leaves the connection usable.
      expect(await wsCollect(client, '{ artist(name: "bjork") { name } }')).toEqual([
        { data: { artist: { name: 'Björk' } } },
      ]);
    } finally {
      await client.dispose();
    }
    // Within the bounds: an artist's albums' artist's albums' tracks' features.
    const fine = await httpQuery(
      noToken.url,
      '{ artist(name: "bjork") { albums { artist { albums { tracks { audioFeatures { tempo } } } } } } }',
    );
    expect(fine.errors).toBeUndefined();
    const introspection = await httpQuery(
      noToken.url,
      getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true }),
    );
    expect(introspection.errors).toBeUndefined();
  });

  it('never puts a credential in a response', async () => {
    const secrets = [
      API_TOKEN,
      READ_TOKEN,
      harness.env.PLEX_TOKEN,
      harness.env.LASTFM_API_KEY,
      harness.env.SPOTIFY_CLIENT_SECRET,
      harness.env.AUDIOMUSE_TOKEN,
    ].filter((secret): secret is string => typeof secret === 'string' && secret.length > 0);
    const headers = { authorization: `Bearer ${API_TOKEN}` };
    const bodies = [
      await httpQuery(
        readProtected.url,
        '{ cacheStats { providers { provider configured requests errors currentRate } lastRuns { options message error } } schedules { cron } }',
        undefined,
        headers,
      ),
      await httpQuery(
        readProtected.url,
        '{ artists(first: 50) { nodes { name source lastError plexRatingKey } } jobRuns(first: 50) { nodes { options message error failures { reason } } } }',
        undefined,
        headers,
      ),
      await httpQuery(
        readProtected.url,
        'mutation { lookupArtists(names: ["Some Unknown Band", "Björk"]) { name status lastError } }',
        undefined,
        headers,
      ),
      // A refusal's details travel in the error's extensions.
      await httpQuery(
        readProtected.url,
        'mutation { warmArtistCache(input: { concurrency: 99 }) { id } }',
        undefined,
        headers,
      ),
      await httpQuery(readProtected.url, '{ nope }', undefined, headers),
    ].map((response) => JSON.stringify(response));
    for (const body of bodies) for (const secret of secrets) expect(body).not.toContain(secret);
    expect(bodies[0]).toContain('"provider":"LASTFM"');
    expect(bodies[3]).toContain('"code":"INVALID_INPUT"');
  });
});
