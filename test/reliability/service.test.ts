// Real processes under load: 50 simultaneous starts of every kind through the API (HTTP and graphql-ws)
// and the CLI, a short soak of readers while a worker executes what was queued, and a search of every
// log line, response, error and job_runs row for the installation's secrets.
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { JobKind } from '../../src/types.ts';
import { type CliResult, type RunningCli, runCli, startCli } from '../support/cli.ts';
import { type GraphQLResponse, httpQuery, sseCollect, wsClient, wsCollect } from '../support/graphql-clients.ts';
import { type Harness, startHarness } from '../support/harness.ts';
import { NO_SCHEDULES } from '../support/no-schedules.ts';
import { printFigures } from './support/figures.ts';
import { workerFleet, type WorkerFleet } from './support/workers.ts';

// Distinctive values: found anywhere they should not be, they are unmistakably a leak.
const SECRETS = {
  PLEX_TOKEN: 'plexTok-7f3a9c2e5d1b8a60',
  LASTFM_API_KEY: 'lfmKey4c8e2a9f1d7b3e5a',
  SPOTIFY_CLIENT_SECRET: 'spotSecret9d2f7a1c4e8b6',
  AUDIOMUSE_TOKEN: 'amuseTok3b9e1f5c7a2d8e',
  API_TOKEN: 'apiTok-5e1c9a7f3b2d8c4e6',
  READ_TOKEN: 'readTok-8a2e6c4f1b9d3e7a5',
} as const;
const SPOTIFY_CLIENT_ID = 'spotClientIdForTheSuite';

const STARTS_PER_KIND = 50;
const CLI_STARTS_PER_KIND = 4;
const SOAK_MS = 15_000;
const READERS = 10;

const MUTATIONS: Record<JobKind, string> = {
  'cache-warm': 'mutation { warmArtistCache(input: {}) { id } }',
  'cache-warm-albums': 'mutation { warmAlbumCache(input: {}) { id } }',
  'cache-refresh': 'mutation { refreshExpiringCache(input: {}) { id } }',
  'track-stats-refresh': 'mutation { refreshTrackStats(input: {}) { id } }',
  'track-static-refresh': 'mutation { refreshTrackStats(input: { static: true }) { id } }',
  'audio-features-sync': 'mutation { syncAudioFeatures(input: {}) { id } }',
  'cache-remerge': 'mutation { remergeCache { id } }',
};
const CLI_ARGS: Record<JobKind, string[]> = {
  'cache-warm': ['warm'],
  'cache-warm-albums': ['warm', '--albums'],
  'cache-refresh': ['refresh'],
  'track-stats-refresh': ['track-stats'],
  'track-static-refresh': ['track-stats', '--static'],
  'audio-features-sync': ['audio-features'],
  'cache-remerge': ['remerge'],
};
const KINDS = Object.keys(MUTATIONS) as JobKind[];

describe('linernotes processes under load', () => {
  let harness: Harness;
  let fleet: WorkerFleet;
  let api: RunningCli;
  let apiUrl: string;
  let env: Record<string, string>;
  const responses: string[] = [];
  const cliResults: CliResult[] = [];
  const auth = { authorization: `Bearer ${SECRETS.API_TOKEN}` };
  const readAuth = { authorization: `Bearer ${SECRETS.READ_TOKEN}` };

  beforeAll(async () => {
    harness = await startHarness({
      sims: {
        seed: 1407,
        artists: 12,
        plex: { token: SECRETS.PLEX_TOKEN },
        lastfm: { apiKey: SECRETS.LASTFM_API_KEY },
        spotify: { clientId: SPOTIFY_CLIENT_ID, clientSecret: SECRETS.SPOTIFY_CLIENT_SECRET },
        audiomuse: { token: SECRETS.AUDIOMUSE_TOKEN },
      },
      env: {
        ...NO_SCHEDULES,
        API_TOKEN: SECRETS.API_TOKEN,
        READ_TOKEN: SECRETS.READ_TOKEN,
        LASTFM_RPS: '20',
        SPOTIFY_RPS: '20',
        MUSICBRAINZ_RPS: '20',
      },
    });
    // Failures make providers' error paths log, which is where a key in a URL would leak.
    harness.sims.lastfm.faults.set({ errorRate: 0.2, seed: 1407 });
    env = { ...harness.env, LOG_LEVEL: 'debug' };
    fleet = await workerFleet(env);
    api = startCli(['serve', '--no-worker'], { env: { ...env, PORT: '0' }, cwd: process.cwd() });
    const [, url = ''] = await api.waitForOutput(/"url":"(http:\/\/[^"]+)\/graphql"/);
    apiUrl = url;
  }, 90_000);

  afterAll(async () => {
    if (api && api.child.exitCode === null) api.child.kill('SIGKILL');
    await api?.exited;
    await fleet?.close();
    await harness?.close();
  });

  const record = (answer: unknown): void => {
    responses.push(JSON.stringify(answer));
  };

  it(`${STARTS_PER_KIND} simultaneous starts of every kind through HTTP, graphql-ws and the CLI never make two active runs`, async () => {
    // The API process's errors (the cause behind an "Unexpected error." answer), for the failure at hand.
    onTestFailed(() => {
      const errors = api
        .output()
        .split('\n')
        .filter((line) => /"level":(50|60)/.test(line));
      process.stdout.write(`[reliability] API errors during the starts:\n${errors.join('\n')}\n`);
    });
    // One socket per kind: 25 operations each, within the per-connection bound.
    const sockets = new Map(
      KINDS.map((kind) => [kind, wsClient(apiUrl, { authorization: `Bearer ${SECRETS.API_TOKEN}` })]),
    );
    const closes: string[] = [];
    for (const socket of sockets.values())
      socket.on('closed', (event) =>
        closes.push(`${(event as { code?: number }).code} ${(event as { reason?: string }).reason}`),
      );
    // Connected before the burst: under it, a socket's connection_init can miss graphql-ws's 3 s window.
    // A lazy graphql-ws client closes when idle: a subscription held open keeps each socket connected.
    const holds = [...sockets.values()].map((socket) =>
      socket.subscribe(
        { query: 'subscription { jobRunEvents { runId } }' },
        { next: () => undefined, error: () => undefined, complete: () => undefined },
      ),
    );
    await Promise.all([...sockets.values()].map((socket) => wsCollect(socket, '{ __typename }')));
    const idsByKind = new Map<JobKind, Set<string>>();
    const apiStarts = KINDS.flatMap((kind) =>
      Array.from({ length: STARTS_PER_KIND }, async (_, index) => {
        const answer: GraphQLResponse =
          index % 2 === 0
            ? await httpQuery(apiUrl, MUTATIONS[kind], undefined, auth)
            : ((
                await wsCollect(sockets.get(kind) as Client, MUTATIONS[kind]).catch((error: unknown) => {
                  throw new Error(`graphql-ws failed: ${String(error)}; closes: ${closes.join(', ')}`);
                })
              )[0] ?? {});
        record(answer);
        expect(answer.errors).toBeUndefined();
        const id = Object.values(answer.data ?? {})[0] as { id: string } | undefined;
        if (id) idsByKind.set(kind, (idsByKind.get(kind) ?? new Set()).add(id.id));
      }),
    );
    const cliStarts = KINDS.flatMap((kind) =>
      Array.from({ length: CLI_STARTS_PER_KIND }, async () => {
        const result = await runCli(CLI_ARGS[kind], { env, cwd: process.cwd() });
        cliResults.push(result);
        // Either this process ran it, or it says which run of the kind is already active.
        if (result.code !== 0) expect(result.stderr).toMatch(/already (queued|running)/);
      }),
    );
    await Promise.all([...apiStarts, ...cliStarts]);
    for (const release of holds) release();
    await Promise.all([...sockets.values()].map((socket) => socket.dispose()));

    // Never two active runs of one kind: each run of a kind began after the previous one had ended.
    const { rows } = await harness.db.pool.query<{
      kind: JobKind;
      id: number;
      created: Date;
      finished: Date | null;
      trigger: string;
      status: string;
      error: string | null;
    }>(
      `SELECT kind, id, created_at AS created, finished_at AS finished, trigger::text AS trigger, status::text AS status, error FROM job_runs ORDER BY kind, id`,
    );
    const overlaps: string[] = [];
    for (let index = 1; index < rows.length; index += 1) {
      const previous = rows[index - 1];
      const current = rows[index];
      if (
        previous &&
        current &&
        previous.kind === current.kind &&
        (previous.finished === null || previous.finished > current.created)
      ) {
        overlaps.push(`${current.kind}: ${JSON.stringify(previous)} and ${JSON.stringify(current)}`);
      }
    }
    expect(overlaps).toEqual([]);
    for (const kind of KINDS) expect(rows.filter((row) => row.kind === kind).length, kind).toBeGreaterThanOrEqual(1);
    printFigures('concurrent starts', {
      kinds: KINDS.length,
      apiStarts: KINDS.length * STARTS_PER_KIND,
      cliStarts: cliResults.length,
      cliRan: cliResults.filter((result) => result.code === 0).length,
      runs: rows.length,
      apiRunIdsPerKind: KINDS.map((kind) => idsByKind.get(kind)?.size ?? 0).join('/'),
    });
  }, 180_000);

  it('answers every reader through a soak while a worker executes what was queued', async () => {
    const worker = fleet.start();
    await worker.waitForOutput(/Worker connected/);
    const outcomes = { ok: 0, failed: [] as string[] };
    const queries = [
      '{ artists(first: 5) { totalCount nodes { name genres } } }',
      '{ jobRuns(first: 10) { totalCount nodes { id status progressCurrent } } }',
      '{ cacheStats { artists { total } albums { total } } }',
      '{ albums(first: 5, filter: { search: "a" }) { totalCount } }',
    ];
    const events: Array<GraphQLResponse> = [];
    const sse = sseCollect(apiUrl, 'subscription { jobRunEvents { runId status } }', undefined, readAuth).catch(
      () => [],
    );
    const until = Date.now() + SOAK_MS;
    await Promise.all(
      Array.from({ length: READERS }, async (_, reader) => {
        let turn = reader;
        while (Date.now() < until) {
          const answer = await httpQuery(apiUrl, queries[turn % queries.length] ?? '', undefined, readAuth).catch(
            (error: unknown) => ({
              status: 0,
              errors: [{ message: String(error) }],
            }),
          );
          turn += 1;
          record(answer);
          if (answer.status === 200 && !answer.errors) outcomes.ok += 1;
          else outcomes.failed.push(JSON.stringify(answer).slice(0, 200));
        }
      }),
    );
    expect(outcomes.failed).toEqual([]);
    await expect
      .poll(
        async () =>
          Number(
            (await harness.db.pool.query(`SELECT count(*) FROM job_runs WHERE status IN ('queued', 'running')`)).rows[0]
              .count,
          ),
        {
          timeout: 120_000,
          interval: 250,
        },
      )
      .toBe(0);
    // Wrong tokens are refused without the right one, or the wrong one, echoed back.
    record(
      await httpQuery(apiUrl, MUTATIONS['cache-warm'], undefined, { authorization: `Bearer ${SECRETS.API_TOKEN}x` }),
    );
    record(
      await httpQuery(apiUrl, '{ artists { totalCount } }', undefined, {
        authorization: `Bearer ${SECRETS.READ_TOKEN}x`,
      }),
    );
    worker.child.kill('SIGTERM');
    expect((await worker.exited).code).toBe(0);
    void sse;
    void events;
    printFigures('soak', {
      seconds: SOAK_MS / 1000,
      readers: READERS,
      answered: outcomes.ok,
      failed: outcomes.failed.length,
    });
  }, 240_000);

  it('never shows a secret in a log line, a response, an error or a job_runs row', async () => {
    api.child.kill('SIGTERM');
    await api.exited;
    const { rows } = await harness.db.pool.query<{ row: string }>(
      `SELECT row_to_json(job_runs)::text AS row FROM job_runs`,
    );
    const { rows: jobErrors } = await harness.db.pool.query<{ row: string }>(
      `SELECT coalesce(last_error, '') AS row FROM graphile_worker.jobs`,
    );
    const haystacks: Array<[string, string]> = [
      ['api process output', api.output()],
      ...fleetOutputs(fleet).map((output, index): [string, string] => [`worker ${index} output`, output]),
      ...cliResults.map((result, index): [string, string] => [`cli ${index} output`, result.stdout + result.stderr]),
      ...responses.map((response, index): [string, string] => [`response ${index}`, response]),
      ...rows.map((row, index): [string, string] => [`job_runs row ${index}`, row.row]),
      ...jobErrors.map((row, index): [string, string] => [`job error ${index}`, row.row]),
    ];
    const needles = [
      ...Object.values(SECRETS),
      Buffer.from(`${SPOTIFY_CLIENT_ID}:${SECRETS.SPOTIFY_CLIENT_SECRET}`).toString('base64'),
    ];
    const hits: string[] = [];
    let bytes = 0;
    for (const [where, text] of haystacks) {
      bytes += text.length;
      for (const needle of needles) if (text.includes(needle)) hits.push(`${where} holds ${needle.slice(0, 6)}…`);
    }
    // The scan looked at real material: logs at debug level and provider failures among them.
    expect(api.output()).toContain('"level":20');
    expect(haystacks.length).toBeGreaterThan(300);
    expect(hits).toEqual([]);
    printFigures('secrets', {
      secrets: needles.length,
      places: haystacks.length,
      kilobytes: Math.round(bytes / 1024),
      hits: hits.length,
    });
  }, 60_000);
});

function fleetOutputs(fleet: WorkerFleet): string[] {
  return fleet.outputs();
}
