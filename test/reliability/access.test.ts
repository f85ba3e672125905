// The access rules seen from another address: a client in a network namespace (not loopback) may read,
// may mutate only with API_TOKEN, and a forwarded-for header claiming loopback changes nothing. Over
// HTTP, graphql-ws and SSE. Skipped, with the reason, where the machine cannot make a namespace.
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../support/harness.ts';
import { NO_SCHEDULES } from '../support/no-schedules.ts';
import { type ApiServer, startApiServer } from '../api/support/api-server.ts';
import { printFigures } from './support/figures.ts';
import { createNetworkNamespace, type NetworkNamespace, unavailableReason } from './support/network-namespace.ts';

const API_TOKEN = 'netns-api-token-5b7d9f1e3a';
const reason = unavailableReason();
// Node 20 has no global WebSocket: the client in the namespace loads the same `ws` package as the server.
const WS_MODULE = createRequire(import.meta.url).resolve('ws');
if (reason) process.stdout.write(`[reliability] access from another address: skipped (${reason})\n`);

/** The client, run inside the namespace with Node's own fetch and WebSocket. */
const CLIENT = String.raw`
const [url, token, wsModule] = process.argv.slice(1);
const WebSocket = require(wsModule);
const body = (query) => JSON.stringify({ query });
const headers = (extra) => ({ 'content-type': 'application/json', accept: 'application/graphql-response+json', ...extra });
const auth = token ? { authorization: 'Bearer ' + token } : {};
async function http(query, extra = {}) {
  const response = await fetch(url + '/graphql', { method: 'POST', headers: headers({ ...auth, ...extra }), body: body(query) });
  return { status: response.status, ...(await response.json()) };
}
async function sse(query) {
  const response = await fetch(url + '/graphql', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...auth }, body: body(query) });
  const text = await response.text();
  const data = text.split('\n').filter((line) => line.startsWith('data:')).map((line) => line.slice(5).trim()).filter(Boolean);
  return data.length ? JSON.parse(data[0]) : JSON.parse(text || '{}');
}
function ws(query) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url.replace('http', 'ws') + '/graphql', 'graphql-transport-ws');
    socket.onopen = () => socket.send(JSON.stringify({ type: 'connection_init', payload: token ? { authorization: 'Bearer ' + token } : {} }));
    socket.onmessage = (event) => {
      const message = JSON.parse(String(event.data));
      if (message.type === 'connection_ack') socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query } }));
      else if (message.type === 'next') { resolve(message.payload); socket.close(); }
      else if (message.type === 'error') { resolve({ errors: message.payload }); socket.close(); }
    };
    socket.onerror = () => reject(new Error('websocket error'));
  });
}
const MUTATION = 'mutation { warmArtistCache(input: { dryRun: true }) { id } }';
const QUERY = '{ artists(first: 1) { totalCount } }';
(async () => {
  const results = {
    httpQuery: await http(QUERY),
    httpMutation: await http(MUTATION),
    httpForwarded: await http(MUTATION, { 'x-forwarded-for': '127.0.0.1', forwarded: 'for=127.0.0.1', 'x-real-ip': '127.0.0.1' }),
    wsMutation: await ws(MUTATION),
    sseMutation: await sse(MUTATION),
  };
  process.stdout.write(JSON.stringify(results));
})().catch((error) => { process.stderr.write(String(error)); process.exit(1); });
`;

describe.skipIf(reason !== undefined)('access from another network address', () => {
  let harness: Harness;
  let namespace: NetworkNamespace;
  let open: ApiServer;
  let guarded: ApiServer;

  beforeAll(async () => {
    harness = await startHarness({ sims: { seed: 15, artists: 3 }, env: NO_SCHEDULES });
    namespace = createNetworkNamespace();
    open = await startApiServer(harness, {
      config: { ...harness.config, apiToken: undefined },
      host: namespace.hostAddress,
    });
    guarded = await startApiServer(harness, {
      config: { ...harness.config, apiToken: API_TOKEN },
      host: namespace.hostAddress,
    });
  }, 60_000);
  afterAll(async () => {
    await open?.close();
    await guarded?.close();
    namespace?.remove();
    await harness?.close();
  });

  async function fromNamespace(url: string, token: string) {
    const script = `process.argv.splice(1, 0, ${JSON.stringify(url)}, ${JSON.stringify(token)}, ${JSON.stringify(WS_MODULE)});\n${CLIENT}`;
    return JSON.parse(await namespace.runNode(script)) as Record<
      string,
      { data?: unknown; errors?: Array<{ extensions?: { code?: string; reason?: string } }> }
    >;
  }

  const codeOf = (answer: { errors?: Array<{ extensions?: { code?: string; reason?: string } }> } | undefined) =>
    answer?.errors?.[0]?.extensions
      ? `${answer.errors[0].extensions.code}/${answer.errors[0].extensions.reason}`
      : 'ok';

  it('without API_TOKEN: reads are answered, mutations refused as not loopback on every transport, forwarded headers ignored', async () => {
    const results = await fromNamespace(open.url, '');
    expect(codeOf(results.httpQuery)).toBe('ok');
    for (const name of ['httpMutation', 'httpForwarded', 'wsMutation', 'sseMutation'])
      expect(codeOf(results[name]), name).toBe('NOT_ALLOWED/NOT_LOOPBACK');
    const { rows } = await harness.db.pool.query('SELECT id FROM job_runs');
    expect(rows).toEqual([]);
    printFigures('access without a token', {
      client: namespace.clientAddress,
      cases: Object.keys(results).length,
      accepted: Object.values(results).filter((answer) => codeOf(answer) === 'ok').length,
    });
  }, 60_000);

  it('with API_TOKEN: the token opens mutations from another address, on every transport', async () => {
    const refused = await fromNamespace(guarded.url, 'wrong-token');
    for (const name of ['httpMutation', 'wsMutation', 'sseMutation'])
      expect(codeOf(refused[name]), name).toBe('NOT_ALLOWED/WRONG_TOKEN');
    const accepted = await fromNamespace(guarded.url, API_TOKEN);
    for (const name of ['httpMutation', 'wsMutation', 'sseMutation']) expect(codeOf(accepted[name]), name).toBe('ok');
    const { rows } = await harness.db.pool.query(
      `SELECT count(*)::int AS count FROM job_runs WHERE status IN ('queued', 'running')`,
    );
    expect(rows[0]).toEqual({ count: 1 });
  }, 60_000);
});
