// A subscription that is read while the test does other things: every result is kept, and the test
// waits for a condition on what has arrived (never for a fixed time).
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import type { Client } from 'graphql-ws';
import type { GraphQLResponse } from '../../support/graphql-clients.ts';

export interface LiveStream<R> {
  results: Array<GraphQLResponse<R>>;
  /** Resolves with all results so far once `done` holds for them; rejects on error, completion first, or timeout. */
  until(done: (results: Array<GraphQLResponse<R>>) => boolean, timeoutMs?: number): Promise<Array<GraphQLResponse<R>>>;
  completed: Promise<void>;
  stop(): void;
}

export function wsStream<R, V>(client: Client, document: TypedDocumentNode<R, V>, variables?: V): LiveStream<R> {
  const results: Array<GraphQLResponse<R>> = [];
  const waiters = new Set<() => void>();
  let failure: unknown;
  let finished = false;
  let resolveCompleted: () => void = () => undefined;
  const completed = new Promise<void>((resolve) => (resolveCompleted = resolve));
  const notify = () => {
    for (const waiter of waiters) waiter();
  };
  const stop = client.subscribe<R>(
    { query: print(document), variables: variables as Record<string, unknown> | undefined },
    {
      next: (value) => {
        results.push(value as GraphQLResponse<R>);
        notify();
      },
      error: (error) => {
        failure = error;
        finished = true;
        notify();
      },
      complete: () => {
        finished = true;
        resolveCompleted();
        notify();
      },
    },
  );
  return {
    results,
    completed,
    stop,
    until: (done, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (done(results)) {
            cleanup();
            resolve(results);
          } else if (failure !== undefined) {
            cleanup();
            reject(new Error(`subscription failed: ${JSON.stringify(failure)}`));
          } else if (finished) {
            cleanup();
            reject(new Error(`subscription completed first: ${JSON.stringify(results)}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out; results so far: ${JSON.stringify(results)}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      }),
  };
}

/**
 * Resolves once the subscription demonstrably receives events: a probe is published (again every
 * 100 ms, a server may still be setting the subscription up) until one arrives.
 */
export async function whenReceiving<R>(
  stream: LiveStream<R>,
  sendProbe: () => Promise<void>,
  isProbe: (result: GraphQLResponse<R>) => boolean,
  timeoutMs = 15_000,
): Promise<void> {
  const timer = setInterval(() => void sendProbe().catch(() => undefined), 100);
  try {
    await sendProbe();
    await stream.until((results) => results.some(isProbe), timeoutMs);
  } finally {
    clearInterval(timer);
  }
}
