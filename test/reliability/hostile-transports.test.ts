// Malformed traffic below GraphQL, against one real `linernotes serve`: raw graphql-ws frames (each
// answered with the protocol's close code or a typed error) and SSE requests that are not what the
// transport expects (each a 4xx, never a 500). Afterwards the same process still answers healthy clients.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_REQUEST_BODY_BYTES } from '../../src/graphql/request-parameters.ts';
import { type RunningCli, startCli } from '../support/cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { type GraphQLResponse, httpQuery, wsClient, wsCollect } from '../support/graphql-clients.ts';
import { NO_SCHEDULES } from '../support/no-schedules.ts';
import { answerProblems } from './support/answers.ts';
import { printFigures } from './support/figures.ts';

const PROTOCOL = 'graphql-transport-ws';
/** graphql-ws's close codes, and ws's for a frame over the size bound. */
const CLOSE = {
  badRequest: 4400,
  unauthorized: 4401,
  initTimeout: 4408,
  duplicateId: 4409,
  tooManyInits: 4429,
  tooBig: 1009,
} as const;

const INIT = JSON.stringify({ type: 'connection_init' });

interface WsOutcome {
  closeCode?: number;
  messages: Array<Record<string, unknown>>;
}

/**
 * Sends the frames on a fresh connection and waits (bounded) for the server to close it, or, for
 * `stayOpen`, for the pong that answers a ping sent after them: the connection survived the frames.
 */
function wsScript(
  url: string,
  frames: Array<string | Buffer>,
  options: { stayOpen?: boolean; timeoutMs?: number } = {},
): Promise<WsOutcome> {
  return new Promise((resolve, reject) => {
    const outcome: WsOutcome = { messages: [] };
    const socket = new WebSocket(url, PROTOCOL);
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error(`no answer within the time: ${JSON.stringify(outcome.messages).slice(0, 300)}`));
    }, options.timeoutMs ?? 10_000);
    // After a connection_init the rest waits for its ack: sent sooner, a subscribe is refused as unauthorised.
    const [first, ...rest] = frames;
    const sendRest = (batch: Array<string | Buffer>) => {
      for (const frame of batch) socket.send(frame);
      if (options.stayOpen) socket.send(JSON.stringify({ type: 'ping' }));
    };
    socket.on('open', () => {
      if (first === INIT) socket.send(INIT);
      else sendRest(frames);
    });
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as Record<string, unknown>;
      outcome.messages.push(message);
      if (message.type === 'connection_ack' && first === INIT) sendRest(rest);
      if (options.stayOpen && message.type === 'pong') socket.close(1000);
    });
    socket.on('close', (code) => {
      clearTimeout(timer);
      outcome.closeCode = code;
      resolve(outcome);
    });
    socket.on('error', () => undefined);
  });
}

const subscribe = (id: unknown, payload: unknown = { query: 'subscription { jobRunEvents { runId } }' }) =>
  JSON.stringify({ type: 'subscribe', id, payload });

/** The GraphQL answers in a response body: SSE `next` events, or one JSON object. */
function answersIn(contentType: string | null, body: string): GraphQLResponse[] {
  if (body.trim() === '') return [];
  if (contentType?.startsWith('text/event-stream')) {
    return body
      .split('\n\n')
      .filter((block) => /^event: next$/m.test(block))
      .map((block) => {
        const data = block
          .split('\n')
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(5).trimStart())
          .join('\n');
        return JSON.parse(data) as GraphQLResponse;
      });
  }
  return [JSON.parse(body) as GraphQLResponse];
}

let workDir: string;
let database: TestDatabase;
let serve: RunningCli;
let baseUrl: string;

beforeAll(async () => {
  workDir = await mkdtemp(path.join(os.tmpdir(), 'linernotes-hostile-transports-'));
  database = await createTestDatabase();
  serve = startCli(['serve', '--no-worker'], {
    env: { ...NO_SCHEDULES, DATABASE_URL: database.url, PORT: '0', DATA_DIR: workDir },
    cwd: workDir,
  });
  const listening = await serve.waitForOutput(/"url":"(http:\/\/[^"]+)\/graphql"/, 60_000);
  baseUrl = listening[1] ?? '';
}, 90_000);

afterAll(async () => {
  if (serve && serve.child.exitCode === null) {
    serve.child.kill('SIGTERM');
    await serve.exited;
  }
  await database?.drop();
  await rm(workDir, { recursive: true, force: true });
});

async function expectHealthy(): Promise<void> {
  expect(serve.child.exitCode).toBeNull();
  const overHttp = await httpQuery<{ __typename: string }>(baseUrl, '{ __typename }');
  expect(overHttp.data?.__typename).toBe('Query');
  const client = wsClient(baseUrl);
  try {
    const [overWs] = await wsCollect<{ __typename: string }>(client, '{ __typename }');
    expect(overWs?.data?.__typename).toBe('Query');
  } finally {
    await client.dispose();
  }
}

describe('malformed graphql-ws frames', () => {
  it('closes each connection with the protocol code, or answers a typed error, and serves others after', async () => {
    const url = `${baseUrl.replace(/^http/, 'ws')}/graphql`;
    const oversized = JSON.stringify({
      type: 'subscribe',
      id: 'big',
      payload: { query: '{ __typename }', variables: { x: 'x'.repeat(MAX_REQUEST_BODY_BYTES + 1) } },
    });
    const cases: Array<{ name: string; frames: Array<string | Buffer>; close?: number; typedError?: boolean }> = [
      { name: 'not JSON', frames: ['hello'], close: CLOSE.badRequest },
      { name: 'a binary frame', frames: [Buffer.from([0, 1, 2, 255])], close: CLOSE.badRequest },
      { name: 'a JSON array', frames: ['[1, 2]'], close: CLOSE.badRequest },
      { name: 'JSON null', frames: ['null'], close: CLOSE.badRequest },
      { name: 'no type', frames: [JSON.stringify({ id: 'a' })], close: CLOSE.badRequest },
      { name: 'an unknown type', frames: [INIT, JSON.stringify({ type: 'drop_tables' })], close: CLOSE.badRequest },
      {
        name: 'an init payload that is a string',
        frames: [JSON.stringify({ type: 'connection_init', payload: 'x' })],
        close: CLOSE.badRequest,
      },
      { name: 'subscribe before connection_init', frames: [subscribe('a')], close: CLOSE.unauthorized },
      { name: 'a second connection_init', frames: [INIT, INIT], close: CLOSE.tooManyInits },
      { name: 'a duplicate subscription id', frames: [INIT, subscribe('a'), subscribe('a')], close: CLOSE.duplicateId },
      { name: 'a numeric id', frames: [INIT, subscribe(5)], close: CLOSE.badRequest },
      { name: 'an empty id', frames: [INIT, subscribe('')], close: CLOSE.badRequest },
      { name: 'an object id', frames: [INIT, subscribe({ $ne: null })], close: CLOSE.badRequest },
      { name: 'no payload', frames: [INIT, JSON.stringify({ type: 'subscribe', id: 'b' })], close: CLOSE.badRequest },
      { name: 'a numeric query', frames: [INIT, subscribe('b', { query: 5 })], close: CLOSE.badRequest },
      {
        name: 'variables as a list',
        frames: [INIT, subscribe('b', { query: '{ __typename }', variables: [1] })],
        close: CLOSE.badRequest,
      },
      {
        name: 'a numeric operation name',
        frames: [INIT, subscribe('b', { query: '{ __typename }', operationName: 5 })],
        close: CLOSE.badRequest,
      },
      { name: 'a frame over the size bound', frames: [INIT, oversized], close: CLOSE.tooBig },
      // Well-formed frames with bad GraphQL, or nothing to act on: the connection goes on.
      {
        name: 'a query that does not parse',
        frames: [INIT, subscribe('c', { query: '{ artists {' })],
        typedError: true,
      },
      { name: 'an unknown field', frames: [INIT, subscribe('c', { query: '{ password }' })], typedError: true },
      {
        name: 'NUL in a variable',
        frames: [
          INIT,
          subscribe('c', { query: 'query($n: String!) { artist(name: $n) { name } }', variables: { n: 'a\u0000' } }),
        ],
        typedError: true,
      },
      { name: 'complete of an unknown id', frames: [INIT, JSON.stringify({ type: 'complete', id: 'nobody' })] },
      { name: 'a 100 kB id', frames: [INIT, subscribe('i'.repeat(100_000), { query: '{ __typename }' })] },
    ];
    const problems: string[] = [];
    const outcomes = await Promise.all(
      cases.map((hostile) => wsScript(url, hostile.frames, { stayOpen: hostile.close === undefined })),
    );
    // No connection_init at all: the server's wait for one runs out (3 s, graphql-ws's default).
    const silent = await wsScript(url, [], { timeoutMs: 15_000 });
    if (silent.closeCode !== CLOSE.initTimeout) problems.push(`no connection_init: closed ${silent.closeCode}`);
    cases.forEach((hostile, index) => {
      const outcome = outcomes[index];
      if (!outcome) return;
      if (hostile.close !== undefined && outcome.closeCode !== hostile.close)
        problems.push(`${hostile.name}: closed ${outcome.closeCode}, not ${hostile.close}`);
      if (hostile.close === undefined && outcome.closeCode !== 1000)
        problems.push(`${hostile.name}: closed ${outcome.closeCode} instead of staying open`);
      if (hostile.typedError) {
        // Refused before it runs: an `error` message of GraphQL errors; refused as it runs: a `next` result with errors.
        const errors = outcome.messages.flatMap((message) => {
          if (message.type === 'error') return (message.payload ?? []) as NonNullable<GraphQLResponse['errors']>;
          if (message.type === 'next') return (message.payload as GraphQLResponse).errors ?? [];
          return [];
        });
        for (const problem of answerProblems({ errors }, true)) problems.push(`${hostile.name}: ${problem}`);
      }
    });
    expect(problems).toEqual([]);
    await expectHealthy();
    printFigures('malformed graphql-ws frames', { connections: cases.length + 1, problems: problems.length });
  }, 60_000);
});

describe('malformed SSE and HTTP requests', () => {
  it('answers each with a 4xx and a clear error, never a 500, and serves others after', async () => {
    const sse = { accept: 'text/event-stream' };
    const json = { ...sse, 'content-type': 'application/json' };
    const subscription = JSON.stringify({ query: 'subscription { jobRunEvents { runId } }' });
    const huge = JSON.stringify({ query: '{ __typename }', variables: { x: 'x'.repeat(MAX_REQUEST_BODY_BYTES) } });
    const chunkedHuge = () =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
          controller.enqueue(new TextEncoder().encode('{"query":"{ __typename }","variables":{"x":"'));
          for (let sent = 0; sent <= MAX_REQUEST_BODY_BYTES; sent += chunk.byteLength) controller.enqueue(chunk);
          controller.enqueue(new TextEncoder().encode('"}}'));
          controller.close();
        },
      });
    const cases: Array<{ name: string; path?: string; init: RequestInit & { duplex?: 'half' }; status: number }> = [
      { name: 'a body cut short', init: { method: 'POST', headers: json, body: '{"query":' }, status: 400 },
      { name: 'an empty body', init: { method: 'POST', headers: json, body: '' }, status: 400 },
      { name: 'a JSON string body', init: { method: 'POST', headers: json, body: '"query"' }, status: 400 },
      {
        name: 'a JSON array body (a batch)',
        init: { method: 'POST', headers: json, body: `[${subscription}]` },
        status: 400,
      },
      { name: 'a numeric query', init: { method: 'POST', headers: json, body: '{"query":5}' }, status: 400 },
      {
        name: 'variables as a string',
        init: { method: 'POST', headers: json, body: '{"query":"{ __typename }","variables":"x"}' },
        status: 400,
      },
      {
        name: 'a body that lies about gzip',
        init: { method: 'POST', headers: { ...json, 'content-encoding': 'gzip' }, body: 'not gzip' },
        status: 400,
      },
      {
        name: 'text/plain',
        init: { method: 'POST', headers: { ...sse, 'content-type': 'text/plain' }, body: subscription },
        status: 415,
      },
      {
        name: 'XML',
        init: { method: 'POST', headers: { ...sse, 'content-type': 'application/xml' }, body: '<query/>' },
        status: 415,
      },
      {
        name: 'multipart with broken operations',
        init: {
          method: 'POST',
          headers: { ...sse, 'content-type': 'multipart/form-data; boundary=x' },
          body: '--x\r\nContent-Disposition: form-data; name="operations"\r\n\r\n{bad\r\n--x--\r\n',
        },
        status: 415,
      },
      {
        name: 'urlencoded with variables that are not JSON',
        init: {
          method: 'POST',
          headers: { ...sse, 'content-type': 'application/x-www-form-urlencoded' },
          body: 'query=%7B__typename%7D&variables=%7Bx',
        },
        status: 400,
      },
      {
        name: 'GET with variables that are not JSON',
        path: '/graphql?query=%7B__typename%7D&variables=%7Bx',
        init: { headers: sse },
        status: 400,
      },
      {
        name: 'GET with extensions that are not JSON',
        path: '/graphql?query=%7B__typename%7D&extensions=nope',
        init: { headers: sse },
        status: 400,
      },
      { name: 'GET without a query', init: { headers: sse }, status: 400 },
      { name: 'a body over the size bound', init: { method: 'POST', headers: json, body: huge }, status: 413 },
      {
        name: 'a chunked body over the size bound',
        init: { method: 'POST', headers: json, body: chunkedHuge(), duplex: 'half' },
        status: 413,
      },
      {
        name: 'an Accept nothing serves',
        init: {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'image/png' },
          body: subscription,
        },
        status: 406,
      },
      { name: 'DELETE', init: { method: 'DELETE', headers: sse }, status: 405 },
      // graphql-sse's single connection mode is not served: its reservation, stream and token requests are refused.
      { name: 'reserving a stream', init: { method: 'PUT', headers: sse }, status: 405 },
      { name: 'reserving a stream again', init: { method: 'PUT', headers: sse }, status: 405 },
      {
        name: 'reserving on a stream path',
        path: '/graphql/stream',
        init: { method: 'PUT', headers: sse },
        status: 404,
      },
      {
        name: 'a stream token that does not exist',
        path: '/graphql/stream',
        init: {
          method: 'POST',
          headers: { ...json, 'x-graphql-event-stream-token': 'no-such-token' },
          body: subscription,
        },
        status: 404,
      },
      {
        name: 'listening with a token that does not exist',
        path: '/graphql/stream?token=no-such-token',
        init: { headers: sse },
        status: 404,
      },
      {
        name: 'an operation for a token that does not exist',
        init: { method: 'GET', headers: { ...sse, 'x-graphql-event-stream-token': 'no-such-token' } },
        status: 400,
      },
    ];
    const problems: string[] = [];
    for (const hostile of cases) {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), 10_000);
      try {
        const response = await fetch(`${baseUrl}${hostile.path ?? '/graphql'}`, {
          ...hostile.init,
          signal: controller.signal,
        });
        const body = await response.text();
        if (response.status !== hostile.status)
          problems.push(`${hostile.name}: status ${response.status}, not ${hostile.status}: ${body.slice(0, 200)}`);
        let answers: GraphQLResponse[] = [];
        try {
          answers = answersIn(response.headers.get('content-type'), body);
        } catch {
          problems.push(`${hostile.name}: a body that is neither JSON nor SSE: ${body.slice(0, 200)}`);
        }
        for (const answer of answers)
          for (const problem of answerProblems(answer, true)) problems.push(`${hostile.name}: ${problem}`);
      } catch (error) {
        problems.push(`${hostile.name}: ${String(error)}`);
      } finally {
        clearTimeout(timer);
      }
    }
    expect(problems).toEqual([]);
    await expectHealthy();
    printFigures('malformed SSE and HTTP requests', { requests: cases.length, problems: problems.length });
  }, 60_000);
});
