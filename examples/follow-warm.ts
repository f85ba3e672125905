// Starts a warm of linernotes' artist cache and follows it to the end, as another app would: the
// mutation over plain HTTP, the progress over graphql-ws. Exits 0 when the run ends SUCCEEDED.
//
//   LINERNOTES_URL=http://127.0.0.1:4000 node --import tsx examples/follow-warm.ts [--force]
//
// API_TOKEN is sent as a bearer token when set (the server needs it unless it runs without one and
// this script runs on the same machine). --force fetches every artist again, fresh ones too.
// Exit codes: 0 the run SUCCEEDED, 1 it failed or was cancelled (or the server could not be reached),
// 2 linernotes refused to start it (not allowed, not configured, invalid input).
// The operations are in follow-warm.graphql; `npm run codegen` types them in src/generated/graphql.ts.
import { type FormattedExecutionResult, type GraphQLFormattedError, print } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import {
  ExampleFollowRunDocument,
  type ExampleFollowRunSubscription,
  ExampleStartWarmDocument,
  type ExampleStartWarmMutation,
  type ExampleStartWarmMutationVariables,
} from '../src/generated/graphql.ts';

type Run = ExampleFollowRunSubscription['jobRunProgress'];

const baseUrl = (process.env.LINERNOTES_URL ?? 'http://127.0.0.1:4000').replace(/\/+$/, '');
const token = process.env.API_TOKEN;
const authorization: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};

/** linernotes says why it refused in `extensions.code` (and, for NOT_ALLOWED, `extensions.reason`). */
function refusal(errors: ReadonlyArray<GraphQLFormattedError>): string | undefined {
  const coded = errors.find((error) => typeof error.extensions?.code === 'string');
  if (!coded) return undefined;
  const { code, reason } = coded.extensions ?? {};
  return `${String(code)}${typeof reason === 'string' ? ` (${reason})` : ''}: ${coded.message}`;
}

async function startWarm(variables: ExampleStartWarmMutationVariables): Promise<string> {
  const response = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...authorization },
    body: JSON.stringify({ query: print(ExampleStartWarmDocument), variables }),
  });
  const body = (await response.json()) as FormattedExecutionResult<ExampleStartWarmMutation>;
  if (body.errors?.length) {
    const why = refusal(body.errors);
    if (why === undefined) throw new Error(body.errors.map((error) => error.message).join('; '));
    process.stderr.write(`linernotes did not start the warm: ${why}\n`);
    process.exit(2);
  }
  if (!body.data) throw new Error(`HTTP ${response.status} without data`);
  return body.data.warmArtistCache.id;
}

function sourceSummary(counts: unknown): string {
  if (typeof counts !== 'object' || counts === null) return '';
  return Object.entries(counts)
    .filter((entry): entry is [string, number] => typeof entry[1] === 'number' && entry[1] > 0)
    .map(([source, count]) => `${source} ${count}`)
    .join(', ');
}

function progressLine(run: Run): string {
  const { current, total, percent, rate, etaSeconds } = run.progress;
  const parts = [`run ${run.id} ${run.status.toLowerCase()}`, total > 0 ? `${current}/${total}` : `${current}`];
  if (percent !== null) parts.push(`${percent.toFixed(1)}%`);
  if (rate !== null && !run.isFinal) parts.push(`${rate.toFixed(1)}/s`);
  if (etaSeconds !== null && !run.isFinal) parts.push(`ETA ${etaSeconds} s`);
  const sources = sourceSummary(run.sourceCounts);
  if (sources) parts.push(`(${sources})`);
  return parts.join('  ');
}

async function follow(id: string): Promise<Run | undefined> {
  const client = createClient({
    url: `${baseUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    // graphql-ws has no headers: the token travels in the connection's init message.
    connectionParams: authorization,
  });
  let last: Run | undefined;
  let printedAt = 0;
  try {
    const results = client.iterate<ExampleFollowRunSubscription>({
      query: print(ExampleFollowRunDocument),
      variables: { id },
    });
    for await (const result of results) {
      if (result.errors?.length || !result.data)
        throw new Error(result.errors?.map((error) => error.message).join('; ') ?? 'no data');
      const run = result.data.jobRunProgress;
      // Events come a few times a second; a line a second is plenty, plus every change of status.
      const now = Date.now();
      if (run.status !== last?.status || run.isFinal || now - printedAt >= 1000) {
        process.stdout.write(`${new Date().toISOString().slice(11, 19)}  ${progressLine(run)}\n`);
        printedAt = now;
      }
      last = run;
    }
  } finally {
    await client.dispose();
  }
  return last;
}

try {
  const id = await startWarm({ input: process.argv.includes('--force') ? { skipCached: false } : {} });
  process.stdout.write(`warm started: run ${id} (${baseUrl})\n`);
  const run = await follow(id);
  if (run?.message) process.stdout.write(`${run.message}\n`);
  if (run?.error) process.stderr.write(`error: ${run.error}\n`);
  process.stdout.write(`run ${id} ended ${run?.status ?? 'without a final state'}\n`);
  process.exit(run?.status === 'SUCCEEDED' ? 0 : 1);
} catch (error) {
  // fetch hides the reason (connection refused, …) in `cause`.
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  process.stderr.write(`follow-warm: ${error instanceof Error ? error.message : String(error)}${cause}\n`);
  process.exit(1);
}
