// Hostile input over every transport (HTTP, graphql-ws, SSE): each answer is a clear client error (or
// plain data) with nothing internal in it, and nothing is written. Then property-based fuzzing of
// every mutation input and every filter, and a flood of subscriptions on one WebSocket.
import fc from 'fast-check';
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GraphQLResponse, httpQuery, sseCollect, wsClient, wsCollect } from '../support/graphql-clients.ts';
import { type Harness, startHarness } from '../support/harness.ts';
import { NO_SCHEDULES } from '../support/no-schedules.ts';
import { type ApiServer, startApiServer } from '../api/support/api-server.ts';
import { populate } from '../api/support/populate.ts';
import { SUBSCRIPTION_LIMITS } from '../../src/graphql/guards.ts';
import { answerProblems } from './support/answers.ts';
import { printFigures } from './support/figures.ts';

type Transport = 'http' | 'ws' | 'sse';

interface HostileCase {
  name: string;
  query: string;
  variables?: Record<string, unknown>;
  /** INVALID_INPUT exactly, or any client error; 'any' allows plain data (e.g. null for an unknown id). */
  expect: 'INVALID_INPUT' | 'error' | 'any';
}

const NUL = '\u0000';
const CASES: HostileCase[] = [
  {
    name: 'NUL in artists genre filter',
    query: 'query($g: String) { artists(filter: { genre: $g }) { totalCount } }',
    variables: { g: `rock${NUL}` },
    expect: 'INVALID_INPUT',
  },
  {
    name: 'NUL in albums genre filter',
    query: 'query($g: String) { albums(filter: { genre: $g }) { totalCount } }',
    variables: { g: NUL },
    expect: 'INVALID_INPUT',
  },
  {
    name: 'NUL in track ratingKey',
    query: 'query($k: ID!) { track(ratingKey: $k) { title } }',
    variables: { k: `12${NUL}` },
    expect: 'INVALID_INPUT',
  },
  { name: 'NUL escaped in a literal', query: '{ artist(name: "a\\u0000b") { name } }', expect: 'INVALID_INPUT' },
  {
    name: 'NUL in tracks search',
    query: 'query($s: String) { tracks(filter: { search: $s }) { totalCount } }',
    variables: { s: NUL },
    expect: 'INVALID_INPUT',
  },
  {
    name: 'NUL in album lookup',
    query: 'mutation($a: String!) { lookupAlbums(albums: [{ artist: $a, title: "x" }]) { title } }',
    variables: { a: NUL },
    expect: 'INVALID_INPUT',
  },
  {
    name: 'NUL in artist lookup',
    query: 'mutation($n: [String!]!) { lookupArtists(names: $n) { name } }',
    variables: { n: ['ok', `x${NUL}`] },
    expect: 'INVALID_INPUT',
  },
  {
    name: 'NUL in a jobRun id',
    query: 'query($id: ID!) { jobRun(id: $id) { id } }',
    variables: { id: `1${NUL}` },
    expect: 'INVALID_INPUT',
  },
  {
    name: 'NUL in a cursor',
    query: 'query($c: String) { artists(after: $c) { totalCount } }',
    variables: { c: NUL },
    expect: 'INVALID_INPUT',
  },
  { name: 'SQL in a jobRun id', query: `{ jobRun(id: "1; DROP TABLE job_runs; --") { id } }`, expect: 'any' },
  { name: 'huge jobRun id', query: '{ jobRun(id: "99999999999999999999999") { id } }', expect: 'any' },
  { name: 'negative page size', query: '{ artists(first: -5) { totalCount } }', expect: 'error' },
  { name: 'enormous page size', query: '{ artists(first: 100000000) { totalCount } }', expect: 'error' },
  { name: 'garbage cursor', query: '{ artists(after: "%%%not-a-cursor") { totalCount } }', expect: 'INVALID_INPUT' },
  {
    name: 'jobRuns cursor with a string id',
    query: 'query($c: String) { jobRuns(after: $c) { totalCount } }',
    variables: { c: Buffer.from('GPC:S:abc').toString('base64') },
    expect: 'INVALID_INPUT',
  },
  {
    name: 'Int overflow in concurrency',
    query: 'mutation { warmArtistCache(input: { concurrency: 99999999999 }) { id } }',
    expect: 'error',
  },
  {
    name: 'concurrency out of bounds',
    query: 'mutation { warmAlbumCache(input: { concurrency: 0 }) { id } }',
    expect: 'INVALID_INPUT',
  },
  {
    name: 'lookahead out of bounds',
    query: 'mutation { refreshExpiringCache(input: { lookaheadDays: -1 }) { id } }',
    expect: 'INVALID_INPUT',
  },
  {
    name: 'wrong variable type',
    query: 'query($f: Int) { artists(first: $f) { totalCount } }',
    variables: { f: 'ten' },
    expect: 'error',
  },
  {
    name: 'lone surrogate in a name',
    query: 'query($n: String!) { artist(name: $n) { name } }',
    variables: { n: '\ud800' },
    expect: 'any',
  },
  {
    name: 'a 100 kB name',
    query: 'query($n: String!) { artist(name: $n) { name } }',
    variables: { n: 'x'.repeat(100_000) },
    expect: 'any',
  },
  { name: 'unknown field', query: '{ artists { nodes { password } } }', expect: 'error' },
  { name: 'cancel of a negative id', query: 'mutation { cancelJobRun(id: "-1") { id } }', expect: 'error' },
  { name: 'unknown enum value', query: '{ jobRuns(kind: DROP_TABLES) { totalCount } }', expect: 'error' },
  {
    name: '50 aliases of one field',
    query: `{ ${Array.from({ length: 50 }, (_, index) => `a${index}: cacheStats { artists { total } }`).join(' ')} }`,
    expect: 'error',
  },
  {
    name: 'a 5,000-token query',
    query: `{ cacheStats { artists { ${'total '.repeat(5_000)} } } }`,
    expect: 'error',
  },
  {
    name: '40 directives on a field',
    query: `{ cacheStats { artists { total ${'@include(if: true) '.repeat(40)} } } }`,
    expect: 'error',
  },
  {
    name: 'fragments that spread each other',
    query: '{ artists { nodes { ...A } } } fragment A on Artist { name ...B } fragment B on Artist { name ...A }',
    expect: 'error',
  },
  { name: 'unterminated query', query: '{ artists { nodes { name }', expect: 'error' },
  {
    name: 'two operations and no operation name',
    query: 'query A { cacheStats { artists { total } } } query B { cacheStats { albums { total } } }',
    expect: 'error',
  },
  {
    name: 'an object where a string is expected',
    query: 'query($g: String) { artists(filter: { genre: $g }) { totalCount } }',
    variables: { g: { $ne: null } },
    expect: 'error',
  },
  {
    name: 'a list where a string is expected',
    query: 'query($n: String!) { artist(name: $n) { name } }',
    variables: { n: ['a', 'b'] },
    expect: 'error',
  },
  {
    name: 'null for a required variable',
    query: 'query($k: ID!) { track(ratingKey: $k) { title } }',
    variables: { k: null },
    expect: 'error',
  },
  {
    name: 'a required variable left out',
    query: 'query($n: String!) { artist(name: $n) { name } }',
    expect: 'error',
  },
  { name: 'an undeclared variable', query: '{ artist(name: $n) { name } }', expect: 'error' },
  {
    name: 'a numeric string for an Int',
    query: 'mutation($v: WarmArtistCacheInput) { warmArtistCache(input: $v) { id } }',
    variables: { v: { concurrency: '4' } },
    expect: 'error',
  },
  {
    name: 'a string for a Boolean',
    query: 'mutation($v: WarmArtistCacheInput) { warmArtistCache(input: $v) { id } }',
    variables: { v: { dryRun: 'true' } },
    expect: 'error',
  },
  {
    name: 'an unknown input field',
    query: 'mutation($v: WarmArtistCacheInput) { warmArtistCache(input: $v) { id } }',
    variables: { v: { concurrency: 2, __proto__: { admin: true }, owner: 'root' } },
    expect: 'error',
  },
  { name: 'a float for an ID', query: '{ jobRun(id: 1.5) { id } }', expect: 'error' },
  {
    name: 'cancel of a run that does not exist',
    query: 'mutation { cancelJobRun(id: "987654") { id } }',
    expect: 'error',
  },
  { name: 'cancel of a non-numeric id', query: 'mutation { cancelJobRun(id: "abc") { id } }', expect: 'error' },
  {
    name: 'control characters and a right-to-left override in a filter',
    query: 'query($g: String) { artists(filter: { genre: $g }) { totalCount } }',
    variables: { g: 'rock\u0007\u001b[31m\u202e\u200b' },
    expect: 'any',
  },
  {
    name: 'a 100 kB cursor',
    query: 'query($c: String) { albums(after: $c) { totalCount } }',
    variables: { c: 'A'.repeat(100_000) },
    expect: 'INVALID_INPUT',
  },
];

function unchangedCounts(harness: Harness) {
  return harness.db.pool
    .query<{ runs: number; jobs: number; artists: number; albums: number }>(
      `SELECT (SELECT count(*)::int FROM job_runs) AS runs, (SELECT count(*)::int FROM graphile_worker.jobs) AS jobs,
              (SELECT count(*)::int FROM artist_cache) AS artists, (SELECT count(*)::int FROM album_cache) AS albums`,
    )
    .then((result) => result.rows[0]);
}

/** graphql-ws reports a refused operation as an error message holding the GraphQL errors. */
async function overWs(client: Client, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse> {
  try {
    return (await wsCollect(client, query, variables))[0] ?? {};
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    try {
      const parsed = JSON.parse(text) as unknown;
      if (Array.isArray(parsed)) return { errors: parsed as GraphQLResponse['errors'] };
    } catch {
      // not JSON: a transport failure, reported as such
    }
    return { errors: [{ message: text, extensions: { code: 'TRANSPORT' } }] };
  }
}

/** Over SSE an operation refused before it runs is a plain JSON answer with a 4xx status, not a stream. */
async function overSse(url: string, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse> {
  try {
    return (await sseCollect(url, query, variables))[0] ?? {};
  } catch (error) {
    if (!(error instanceof Error) || !/SSE request failed with 4\d\d/.test(error.message)) throw error;
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream, application/json' },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as GraphQLResponse;
  }
}

describe('hostile input', () => {
  let harness: Harness;
  let api: ApiServer;
  let ws: Client;

  async function ask(
    transport: Transport,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<GraphQLResponse> {
    if (transport === 'http') return await httpQuery(api.url, query, variables);
    if (transport === 'ws') return await overWs(ws, query, variables);
    return await overSse(api.url, query, variables);
  }

  beforeAll(async () => {
    harness = await startHarness({
      sims: { seed: 14, artists: 6 },
      env: { ...NO_SCHEDULES, LASTFM_RPS: '40', SPOTIFY_RPS: '40', MUSICBRAINZ_RPS: '40' },
    });
    await populate(harness, ['cache-warm']);
    api = await startApiServer(harness);
    ws = wsClient(api.url);
  }, 60_000);
  afterAll(async () => {
    await ws?.dispose();
    await api?.close();
    await harness?.close();
  });

  it(`answers ${CASES.length * 3} hostile operations over HTTP, graphql-ws and SSE with clear errors, writing nothing`, async () => {
    const before = await unchangedCounts(harness);
    const problems: string[] = [];
    let answered = 0;
    for (const transport of ['http', 'ws', 'sse'] as const) {
      for (const hostile of CASES) {
        const answer = await ask(transport, hostile.query, hostile.variables);
        answered += 1;
        for (const problem of answerProblems(answer, hostile.expect !== 'any'))
          problems.push(`${transport} / ${hostile.name}: ${problem}`);
        if (hostile.expect === 'INVALID_INPUT') {
          const codes = (answer.errors ?? []).map((error) => error.extensions?.code);
          if (!codes.includes('INVALID_INPUT'))
            problems.push(
              `${transport} / ${hostile.name}: expected INVALID_INPUT, got ${JSON.stringify(answer).slice(0, 300)}`,
            );
        }
      }
    }
    expect(problems).toEqual([]);
    expect(await unchangedCounts(harness)).toEqual(before);
    printFigures('hostile input', { operations: answered, transports: 3, problems: problems.length });
  }, 120_000);

  it('fuzzes every mutation input and every filter without an internal error', async () => {
    const text = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.string({ unit: 'binary', maxLength: 20 }),
      fc.constantFrom('', NUL, `a${NUL}`, '%', "'", '\\', '🎸', 'Björk', ' '.repeat(300)),
    );
    const int = fc.oneof(fc.integer(), fc.constantFrom(-1, 0, 1, 16, 17, 100_000, 100_001, 2 ** 31 - 1));
    const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });
    const bool = fc.boolean();
    const inputs: Array<{ name: string; query: string; variable: fc.Arbitrary<unknown>; runs: number }> = [
      {
        name: 'warmArtistCache',
        query: 'mutation($v: WarmArtistCacheInput) { warmArtistCache(input: $v) { id } }',
        variable: fc.record({ concurrency: optional(int), dryRun: optional(bool), skipCached: optional(bool) }),
        runs: 40,
      },
      {
        name: 'warmAlbumCache',
        query: 'mutation($v: WarmAlbumCacheInput) { warmAlbumCache(input: $v) { id } }',
        variable: fc.record({ concurrency: optional(int), dryRun: optional(bool), skipCached: optional(bool) }),
        runs: 40,
      },
      {
        name: 'refreshExpiringCache',
        query: 'mutation($v: RefreshExpiringCacheInput) { refreshExpiringCache(input: $v) { id } }',
        variable: fc.record({ concurrency: optional(int), limit: optional(int), lookaheadDays: optional(int) }),
        runs: 40,
      },
      {
        name: 'refreshTrackStats',
        query: 'mutation($v: RefreshTrackStatsInput) { refreshTrackStats(input: $v) { id } }',
        variable: fc.record({ static: optional(bool) }),
        runs: 10,
      },
      {
        name: 'syncAudioFeatures',
        query: 'mutation($v: SyncAudioFeaturesInput) { syncAudioFeatures(input: $v) { id } }',
        variable: fc.record({ concurrency: optional(int), limit: optional(int) }),
        runs: 40,
      },
      {
        name: 'cancelJobRun',
        query: 'mutation($v: ID!) { cancelJobRun(id: $v) { id } }',
        variable: fc.oneof(text, int.map(String)),
        runs: 40,
      },
      {
        name: 'clearCache',
        query: 'mutation($v: ClearCacheInput) { clearCache(input: $v) { artists } }',
        variable: fc.record({
          expiredOnly: fc.constant(true),
          tables: optional(fc.array(fc.constantFrom('ARTISTS', 'ALBUMS', 'TRACKS', 'NOPE'), { maxLength: 4 })),
        }),
        runs: 20,
      },
      {
        name: 'lookupArtists',
        query: 'mutation($v: [String!]!) { lookupArtists(names: $v) { name } }',
        variable: fc.array(text, { maxLength: 2 }),
        runs: 15,
      },
      {
        name: 'lookupAlbums',
        query: 'mutation($v: [AlbumRefInput!]!) { lookupAlbums(albums: $v) { title } }',
        variable: fc.array(fc.record({ artist: text, title: text }), { maxLength: 2 }),
        runs: 15,
      },
      {
        name: 'artists filter',
        query: 'query($v: ArtistFilter) { artists(first: 3, filter: $v) { totalCount } }',
        variable: fc.record({
          genre: optional(text),
          search: optional(text),
          expired: optional(bool),
          expiringWithinDays: optional(int),
          source: optional(fc.constantFrom('LASTFM', 'PLEX', 'NONE', 'x')),
          status: optional(fc.constantFrom('OK', 'PARTIAL', 'y')),
          tier: optional(fc.constantFrom('HOT', 'COLD', 'z')),
        }),
        runs: 60,
      },
      {
        name: 'albums filter',
        query: 'query($v: AlbumFilter) { albums(first: 3, filter: $v) { totalCount } }',
        variable: fc.record({
          artist: optional(text),
          genre: optional(text),
          search: optional(text),
          expired: optional(bool),
          expiringWithinDays: optional(int),
        }),
        runs: 60,
      },
      {
        name: 'tracks filter',
        query: 'query($v: TrackFilter) { tracks(first: 3, filter: $v) { totalCount } }',
        variable: fc.record({
          album: optional(text),
          artist: optional(text),
          genre: optional(text),
          search: optional(text),
          hasAudioFeatures: optional(bool),
          expiringWithinDays: optional(int),
        }),
        runs: 60,
      },
      {
        name: 'jobRuns page',
        query: 'query($v: Int, $a: String) { jobRuns(first: $v, after: $a) { totalCount } }',
        variable: fc.tuple(optional(int), optional(text)),
        runs: 40,
      },
    ];
    let sent = 0;
    for (const input of inputs) {
      await fc.assert(
        fc.asyncProperty(input.variable, async (value) => {
          const variables =
            input.name === 'jobRuns page'
              ? { v: (value as [unknown, unknown])[0], a: (value as [unknown, unknown])[1] }
              : { v: value };
          const answer = await httpQuery(api.url, input.query, variables);
          sent += 1;
          expect(answer.status).toBeLessThan(500);
          expect(answerProblems(answer, false)).toEqual([]);
        }),
        { numRuns: input.runs, seed: 1414 },
      );
    }
    printFigures('fuzzing', { inputs: inputs.length, operations: sent });
  }, 240_000);

  it('bounds subscriptions per connection and answers other clients while one socket floods', async () => {
    const FLOOD = 10_000;
    const flooder = wsClient(api.url);
    let refused = 0;
    let refusedWithLimit = 0;
    let delivered = 0;
    const disposers: Array<() => void> = [];
    for (let index = 0; index < FLOOD; index += 1) {
      disposers.push(
        flooder.subscribe(
          { query: 'subscription { jobRunEvents { runId } }' },
          {
            next: () => (delivered += 1),
            error: (error) => {
              refused += 1;
              if (JSON.stringify(error).includes('SUBSCRIPTION_LIMIT')) refusedWithLimit += 1;
            },
            complete: () => undefined,
          },
        ),
      );
    }
    // While the flood is being refused, another client is answered.
    const healthy = await httpQuery<{ artists: { totalCount: number } }>(
      api.url,
      '{ artists(first: 1) { totalCount } }',
    );
    expect(healthy.data?.artists.totalCount).toBeGreaterThan(0);
    await expect
      .poll(() => refused, { timeout: 60_000, interval: 100 })
      .toBe(FLOOD - SUBSCRIPTION_LIMITS.perConnection);
    expect(refusedWithLimit).toBe(refused);
    // The accepted ones are live: one run event reaches each of them.
    // No worker runs here: cancelling a queued run is what publishes an event.
    const started = await httpQuery<{ warmAlbumCache: { id: string } }>(
      api.url,
      'mutation { warmAlbumCache(input: { dryRun: true }) { id } }',
    );
    const cancelled = await httpQuery(
      api.url,
      `mutation { cancelJobRun(id: "${started.data?.warmAlbumCache.id ?? ''}") { id } }`,
    );
    expect(cancelled.errors).toBeUndefined();
    await expect
      .poll(() => delivered, { timeout: 30_000, interval: 100 })
      .toBeGreaterThanOrEqual(SUBSCRIPTION_LIMITS.perConnection);
    for (const dispose of disposers) dispose();
    await flooder.dispose();
    printFigures('subscription flood', { sent: FLOOD, accepted: FLOOD - refused, refused, eventsDelivered: delivered });
  }, 120_000);

  it('bounds subscriptions per process across connections, and frees room as they end', async () => {
    const { perConnection, perProcess } = SUBSCRIPTION_LIMITS;
    const connections = Math.ceil(perProcess / perConnection) + 1;
    const clients = Array.from({ length: connections }, () => wsClient(api.url));
    let refusedByProcess = 0;
    const disposers: Array<() => void> = [];
    for (const client of clients) {
      for (let index = 0; index < perConnection; index += 1) {
        disposers.push(
          client.subscribe(
            { query: 'subscription { jobRunEvents { runId } }' },
            {
              // Refused by the resolver, the subscription answers one result with the error, then completes.
              next: (result) => {
                if (JSON.stringify(result).includes('"PROCESS"')) refusedByProcess += 1;
              },
              error: () => undefined,
              complete: () => undefined,
            },
          ),
        );
      }
    }
    await expect
      .poll(() => refusedByProcess, { timeout: 60_000, interval: 100 })
      .toBe(connections * perConnection - perProcess);
    for (const dispose of disposers) dispose();
    await Promise.all(clients.map((client) => client.dispose()));
    // Once they are gone, a new subscription is accepted again (an SSE one, counted by the same bound).
    await expect
      .poll(
        async () => {
          const controller = new AbortController();
          const response = await fetch(`${api.url}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
            body: JSON.stringify({ query: 'subscription { jobRunEvents { runId } }' }),
            signal: controller.signal,
          });
          const reader = response.body?.getReader();
          // A refused stream sends its error at once; an accepted one only keep-alive comments until an event.
          let text = '';
          const deadline = Date.now() + 500;
          while (reader && Date.now() < deadline && !text.includes('event:')) {
            const chunk = await Promise.race([
              reader.read(),
              new Promise<undefined>((resolve) => setTimeout(resolve, deadline - Date.now())),
            ]);
            if (!chunk || chunk.done) break;
            text += new TextDecoder().decode(chunk.value);
          }
          controller.abort();
          return text.includes('SUBSCRIPTION_LIMIT') ? 'refused' : 'accepted';
        },
        { timeout: 10_000, interval: 200 },
      )
      .toBe('accepted');
    printFigures('subscription bound per process', {
      connections,
      attempted: connections * perConnection,
      refusedByProcess,
    });
  }, 120_000);
});
