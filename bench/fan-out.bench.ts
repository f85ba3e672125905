// Live progress to many subscribers. Run: npm run bench -- fan-out (about 1 min).
//
// `linernotes serve` (API only) on an empty database with one running run; 1,000 graphql-ws clients
// (one connection each) subscribe to the dashboard's jobRunProgress of it. This process plays the worker
// of another process: it publishes the run's progress events with NOTIFY, as a worker does, and times
// each event from publish to its arrival at every subscriber. Target: p99 ≤ 100 ms over all
// (subscriber, event) pairs. Baseline in the same run: the same with a single subscriber.
import { createClient, type Client } from 'graphql-ws';
import pg from 'pg';
import WebSocket from 'ws';
import { publishRunEvent, type RunEvent } from '../src/jobs/engine/run-events.ts';
import { openEmptyDatabase } from './support/database.ts';
import { ms } from './support/load.ts';
import { startService } from './support/processes.ts';
import { median, quantile, reportBenchResult } from './support/report.ts';

const SUBSCRIBERS = 1_000;
const EVENTS = 10;
const ROUNDS = 3;
const TARGET_P99_MS = 100;
const EVENT_TIMEOUT_MS = 10_000;

async function progressSubscription(): Promise<string> {
  // The dashboard's module is browser JavaScript without type declarations.
  const operations: { RUN_PROGRESS_SUBSCRIPTION?: unknown } = await import(
    new URL('../src/dashboard/operations.js', import.meta.url).href
  );
  if (typeof operations.RUN_PROGRESS_SUBSCRIPTION !== 'string')
    throw new Error('the dashboard exports no RUN_PROGRESS_SUBSCRIPTION');
  return operations.RUN_PROGRESS_SUBSCRIPTION;
}

interface Subscriber {
  client: Client;
  stop: () => void;
}

/** Subscribes `count` clients; `onProgress` gets each message's progress.current. Resolves once all got the first state. */
async function subscribeAll(
  url: string,
  query: string,
  runId: number,
  count: number,
  onProgress: (current: number) => void,
): Promise<Subscriber[]> {
  const wsUrl = `${url.replace(/^http/, 'ws')}/graphql`;
  const subscribers: Subscriber[] = [];
  const firstStates: Array<Promise<void>> = [];
  for (let index = 0; index < count; index += 1) {
    const client = createClient({ url: wsUrl, webSocketImpl: WebSocket, lazy: false, retryAttempts: 0 });
    let first: () => void = () => undefined;
    firstStates.push(new Promise<void>((resolve) => (first = resolve)));
    let seen = false;
    const stop = client.subscribe<{ jobRunProgress: { progress: { current: number } } }>(
      { query, variables: { id: String(runId) } },
      {
        next: (message) => {
          const current = message.data?.jobRunProgress.progress.current;
          if (!seen) {
            seen = true;
            first();
          } else if (current !== undefined) onProgress(current);
        },
        error: (error) => console.error('subscription error', error),
        complete: () => undefined,
      },
    );
    subscribers.push({ client, stop });
  }
  await Promise.all(firstStates);
  return subscribers;
}

async function measure(url: string, pool: pg.Pool, query: string, count: number, runId: number): Promise<number[]> {
  const sentAt = new Map<number, number>();
  const arrivals = new Map<number, number>();
  const latencies: number[] = [];
  let onAll: (() => void) | undefined;
  const subscribers = await subscribeAll(url, query, runId, count, (current) => {
    const sent = sentAt.get(current);
    if (sent === undefined) return;
    latencies.push(performance.now() - sent);
    const arrived = (arrivals.get(current) ?? 0) + 1;
    arrivals.set(current, arrived);
    if (arrived === count) onAll?.();
  });
  try {
    for (let round = 0; round < ROUNDS; round += 1) {
      for (let index = 0; index < EVENTS; index += 1) {
        const current = 1 + round * EVENTS + index + (count === 1 ? 0 : 1_000);
        const event: RunEvent = {
          runId,
          kind: 'cache-warm',
          status: 'running',
          current,
          total: 100_000,
          rate: 10,
          etaSeconds: 100,
          sourceCounts: { lastfm: current },
          message: null,
          error: null,
          final: false,
          at: new Date().toISOString(),
        };
        const delivered = new Promise<void>((resolve, reject) => {
          const timer = setTimeout(
            () => reject(new Error(`event ${current} reached ${arrivals.get(current) ?? 0} of ${count} subscribers`)),
            EVENT_TIMEOUT_MS,
          );
          onAll = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        sentAt.set(current, performance.now());
        await publishRunEvent(pool, event);
        await delivered;
      }
    }
  } finally {
    for (const subscriber of subscribers) {
      subscriber.stop();
      await subscriber.client.dispose();
    }
  }
  return latencies;
}

const began = performance.now();
const db = await openEmptyDatabase();
const pool = new pg.Pool({ connectionString: db.url, max: 2 });
const service = await startService({ databaseUrl: db.url, args: ['--no-worker'] });
try {
  const { rows } = await pool.query<{ id: number }>(
    `INSERT INTO job_runs (kind, status, trigger, started_at, progress_total) VALUES ('cache-warm', 'running', 'cli', now(), 100000) RETURNING id`,
  );
  const runId = rows[0]?.id;
  if (runId === undefined) throw new Error('could not create the run');
  const query = await progressSubscription();
  const single = await measure(service.url, pool, query, 1, runId);
  const many = await measure(service.url, pool, query, SUBSCRIBERS, runId);
  const p99 = quantile(many, 0.99);
  const pass = p99 <= TARGET_P99_MS;
  reportBenchResult({
    name: 'fan-out',
    workload: `jobRunProgress to ${SUBSCRIBERS.toLocaleString('en-US')} graphql-ws subscribers, ${ROUNDS * EVENTS} events published by another process`,
    target: `p99 ≤ ${TARGET_P99_MS} ms`,
    result: `p99 ${ms(p99)}, p50 ${ms(median(many))}`,
    baseline: `1 subscriber p99 ${ms(quantile(single, 0.99))}, p50 ${ms(median(single))}`,
    pass,
  });
  if (!pass) process.exitCode = 1;
} finally {
  await service.stop();
  await pool.end();
  await db.close();
}
console.log(`(whole benchmark: ${((performance.now() - began) / 1000).toFixed(0)} s)`);
