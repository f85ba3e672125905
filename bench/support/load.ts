// The load generator of the HTTP benchmarks: autocannon driving POST /graphql on loopback, with a fixed
// number of connections for a fixed time. Latencies are recorded per response (autocannon's own
// histogram has no p95), so that every quantile comes from the same samples.
import autocannon from 'autocannon';
import { quantile } from './report.ts';

export interface LoadResult {
  requests: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  /** Responses that were not 200, or whose body carried GraphQL errors. */
  errors: number;
}

export interface GraphQLLoad {
  url: string;
  connections: number;
  seconds: number;
  /** The body of each request; called per request, so it may vary (a random genre, random names). */
  body: () => { query: string; variables?: Record<string, unknown> };
  headers?: Record<string, string>;
}

export async function runGraphQLLoad(load: GraphQLLoad): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  let instance: autocannon.Instance | undefined;
  const finished = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon(
      {
        url: `${load.url}/graphql`,
        connections: load.connections,
        duration: load.seconds,
        requests: [
          {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...load.headers },
            setupRequest: (request) => ({ ...request, body: JSON.stringify(load.body()) }),
            onResponse: (status, body) => {
              // A GraphQL error list, not a field that happens to be called errors (providers { errors }).
              if (status !== 200 || body.includes('"errors":[')) errors += 1;
            },
          },
        ],
      },
      (error, result) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(result)),
    );
  });
  instance?.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  const result = await finished;
  if (latencies.length === 0)
    throw new Error(`no response from ${load.url} (${result.errors} errors, ${result.timeouts} timeouts)`);
  return {
    requests: latencies.length,
    perSecond: latencies.length / load.seconds,
    p50: quantile(latencies, 0.5),
    p95: quantile(latencies, 0.95),
    p99: quantile(latencies, 0.99),
    errors: errors + result.non2xx + result.errors + result.timeouts,
  };
}

export const ms = (value: number) => `${value.toFixed(value < 10 ? 1 : 0)} ms`;
