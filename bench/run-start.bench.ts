// From the mutation to the run started. Run: npm run bench -- run-start (about 1 min).
//
// `linernotes serve` (API and worker in one process, as `npm start` runs it) on an empty database,
// against the simulators (a library of 5 artists, dry runs so each run is over in moments); a graphql-ws
// client follows jobRunEvents, and each round sends warmArtistCache(input: {dryRun: true}) and times
// until the run's RUNNING event arrives, then waits for it to end. Target: keep p50 and p99 where they
// were (13 ms and 20 ms, against 2.5 and 9 for graphile-worker alone, on the same machine); printed as the
// ratio to the baseline measured in the same run: graphile-worker alone, addJob to the task starting.
import { createClient } from 'graphql-ws';
import { makeWorkerUtils, run } from 'graphile-worker';
import WebSocket from 'ws';
import { startSimulators } from '../src/simulators/index.ts';
import { openEmptyDatabase } from './support/database.ts';
import { ms } from './support/load.ts';
import { startService } from './support/processes.ts';
import { quantile, reportBenchResult } from './support/report.ts';

const ROUNDS = 25;
const BEFORE = { p50: 13, p99: 20, workerP50: 2.5, workerP99: 9 };
const TIMEOUT_MS = 30_000;

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} took over ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
    }),
  ]);
}

async function serviceLatencies(databaseUrl: string, env: Record<string, string>): Promise<number[]> {
  const service = await startService({ databaseUrl, env });
  const client = createClient({
    url: `${service.url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    lazy: false,
    retryAttempts: 0,
  });
  const waiters = new Map<string, { status: string; resolve: () => void }>();
  const stop = client.subscribe<{ jobRunEvents: { runId: string; status: string; final: boolean } }>(
    { query: 'subscription { jobRunEvents { runId status final } }' },
    {
      next: (message) => {
        const event = message.data?.jobRunEvents;
        if (!event) return;
        for (const [key, waiter] of waiters) {
          if (
            key.startsWith(`${event.runId}:`) &&
            (waiter.status === event.status || (waiter.status === 'FINAL' && event.final))
          ) {
            waiters.delete(key);
            waiter.resolve();
          }
        }
      },
      error: (error) => console.error('subscription error', error),
      complete: () => undefined,
    },
  );
  const latencies: number[] = [];
  try {
    // The subscription is in place once a first run's events arrive; that round is a warm-up.
    for (let round = 0; round <= ROUNDS; round += 1) {
      const sent = performance.now();
      const response = await fetch(`${service.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'mutation { warmArtistCache(input: { dryRun: true }) { id status } }' }),
      });
      const body = (await response.json()) as {
        data?: { warmArtistCache?: { id: string; status: string } };
        errors?: unknown;
      };
      const runId = body.data?.warmArtistCache?.id;
      if (!runId) throw new Error(`could not start a warm: ${JSON.stringify(body.errors)}`);
      const started =
        body.data?.warmArtistCache?.status === 'RUNNING'
          ? Promise.resolve()
          : new Promise<void>((resolve) => waiters.set(`${runId}:running`, { status: 'RUNNING', resolve }));
      const ended = new Promise<void>((resolve) => waiters.set(`${runId}:final`, { status: 'FINAL', resolve }));
      await withTimeout(started, `run ${runId} to start`);
      if (round > 0) latencies.push(performance.now() - sent);
      await withTimeout(ended, `run ${runId} to end`);
    }
  } finally {
    stop();
    await client.dispose();
    await service.stop();
  }
  return latencies;
}

async function workerLatencies(databaseUrl: string): Promise<number[]> {
  let onStart: (() => void) | undefined;
  const runner = await run({
    connectionString: databaseUrl,
    concurrency: 1,
    noHandleSignals: true,
    logger: undefined,
    taskList: {
      bench_noop: async () => {
        onStart?.();
      },
    },
  });
  // One pool for adding jobs, as the service keeps one: the time is the queue's, not a connection's.
  const utils = await makeWorkerUtils({ connectionString: databaseUrl });
  const latencies: number[] = [];
  try {
    for (let round = 0; round <= ROUNDS; round += 1) {
      const startedTask = new Promise<void>((resolve) => (onStart = resolve));
      const sent = performance.now();
      await utils.addJob('bench_noop', {});
      await withTimeout(startedTask, 'a graphile-worker task to start');
      if (round > 0) latencies.push(performance.now() - sent);
    }
  } finally {
    await utils.release();
    await runner.stop();
  }
  return latencies;
}

const began = performance.now();
const simulators = await startSimulators({ seed: 2026, artists: 5 });
const db = await openEmptyDatabase();
try {
  const env = {
    PLEX_URL: simulators.env.PLEX_URL,
    PLEX_TOKEN: simulators.env.PLEX_TOKEN,
    MUSICBRAINZ_ENABLED: 'false',
  };
  const service = await serviceLatencies(db.url, env);
  const worker = await workerLatencies(db.url);
  const p50 = quantile(service, 0.5);
  const p99 = quantile(service, 0.99);
  const workerP50 = quantile(worker, 0.5);
  const workerP99 = quantile(worker, 0.99);
  // "Keep": no worse, relative to graphile-worker alone in the same run, than before (with a margin for
  // a shared machine's noise).
  const pass =
    p50 / workerP50 <= 1.25 * (BEFORE.p50 / BEFORE.workerP50) &&
    p99 / workerP99 <= 1.25 * (BEFORE.p99 / BEFORE.workerP99);
  reportBenchResult({
    name: 'run-start',
    workload: `warmArtistCache mutation to the run's RUNNING event over graphql-ws, ${ROUNDS} runs`,
    target: `keep: ≤ ${(BEFORE.p50 / BEFORE.workerP50).toFixed(1)}× / ${(BEFORE.p99 / BEFORE.workerP99).toFixed(1)}× graphile-worker alone (p50 / p99), +25 %`,
    result: `p50 ${ms(p50)} = ${(p50 / workerP50).toFixed(1)}×, p99 ${ms(p99)} = ${(p99 / workerP99).toFixed(1)}×`,
    baseline: `graphile-worker alone p50 ${ms(workerP50)}, p99 ${ms(workerP99)}`,
    pass,
  });
  if (!pass) process.exitCode = 1;
} finally {
  await db.close();
  await simulators.close();
}
console.log(`(whole benchmark: ${((performance.now() - began) / 1000).toFixed(0)} s)`);
