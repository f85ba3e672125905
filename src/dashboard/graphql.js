// The dashboard's two ways to the API on this origin: queries and mutations over HTTP (fetch), and
// subscriptions over graphql-ws (the browser build linernotes serves from node_modules).
import { createClient } from './vendor/graphql-ws/client.js';

const ENDPOINT = '/graphql';

/**
 * The errors a request was answered with. linernotes says why in `extensions.code` (NOT_ALLOWED,
 * INVALID_INPUT, NOT_CONFIGURED, NOT_FOUND) and, for NOT_ALLOWED, `extensions.reason`.
 */
export class GraphQLRequestError extends Error {
  constructor(errors) {
    super(errors.map((error) => error.message).join('; ') || 'request failed');
    this.errors = errors;
  }

  get code() {
    return this.errors.find((error) => error.extensions?.code)?.extensions.code;
  }

  get reason() {
    return this.errors.find((error) => error.extensions?.reason)?.extensions.reason;
  }

  /** Refused for want of a (right) token: MISSING_TOKEN or WRONG_TOKEN. NOT_LOOPBACK is not a token matter. */
  get needsToken() {
    return this.code === 'NOT_ALLOWED' && (this.reason === 'MISSING_TOKEN' || this.reason === 'WRONG_TOKEN');
  }
}

function authorization(token) {
  return token ? { authorization: `Bearer ${token}` } : {};
}

/**
 * @param {{ token: () => string | null, onConnection: (state: 'connecting' | 'live' | 'offline') => void }} options
 */
export function createApi(options) {
  async function request(query, variables = {}) {
    const response = await fetch(ENDPOINT, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        ...authorization(options.token()),
      },
      body: JSON.stringify({ query, variables }),
    });
    let body;
    try {
      body = await response.json();
    } catch {
      throw new GraphQLRequestError([{ message: `the server answered HTTP ${response.status}` }]);
    }
    if (body.errors?.length) throw new GraphQLRequestError(body.errors);
    return body.data;
  }

  let client;
  function ws() {
    client ??= createClient({
      url: `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${ENDPOINT}`,
      // Read on every (re)connection, so a token typed in later is used by the next connection.
      connectionParams: () => authorization(options.token()),
      lazy: true,
      // The page stays open while linernotes restarts: keep trying, with graphql-ws's backoff.
      retryAttempts: Number.POSITIVE_INFINITY,
      shouldRetry: () => true,
      // graphql-ws doubles its wait without bound; a dashboard should be back within seconds.
      retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, Math.min(10_000, 500 * 2 ** retries))),
      on: {
        connecting: () => options.onConnection('connecting'),
        connected: () => options.onConnection('live'),
        closed: () => options.onConnection('offline'),
      },
    });
    return client;
  }

  /**
   * @param {{ next: (data: object) => void, error?: (error: Error) => void, complete?: () => void }} sink
   * @returns {() => void} unsubscribe
   */
  function subscribe(query, variables, sink) {
    return ws().subscribe(
      { query, variables },
      {
        next: (result) => {
          if (result.errors?.length) sink.error?.(new GraphQLRequestError(result.errors));
          else if (result.data) sink.next(result.data);
        },
        error: (error) => sink.error?.(error instanceof Error ? error : new Error(describeCloseEvent(error))),
        complete: () => sink.complete?.(),
      },
    );
  }

  /** After the token changed: reconnect, and graphql-ws subscribes everything again. */
  function reconnect() {
    client?.terminate();
  }

  return { request, subscribe, reconnect };
}

function describeCloseEvent(event) {
  if (Array.isArray(event)) return event.map((error) => error.message).join('; ');
  if (event && typeof event === 'object' && 'code' in event)
    return `connection closed (${event.code} ${event.reason ?? ''})`.trim();
  return 'subscription failed';
}
