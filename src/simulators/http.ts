// The node:http server every simulator runs on: request parsing, fault injection, latency, streaming bodies,
// and the request log. Each provider only supplies a handler and the shape of its own errors.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { ProviderName } from '../types.ts';
import { MALFORMED_BODY, type Fault, type FaultInjector } from './faults.ts';
import { LOGGED_HEADERS, type LoggedHeader, type LoggedRequest, type RequestLog } from './request-log.ts';

export interface SimRequest {
  method: string;
  /** Decoded path, e.g. `/library/metadata/123` or `/ws/2/artist/…`. */
  path: string;
  query: URLSearchParams;
  /** The request target exactly as sent (path and encoded query), for servers that limit its length. */
  target: string;
  headers: IncomingHttpHeaders;
  body: string;
  remoteAddress: string;
}

export type SimBody = string | Iterable<string>;

export interface SimResponse {
  status: number;
  headers?: Record<string, string | number>;
  /** A string, or chunks written one by one with backpressure (large Plex listings). */
  body?: SimBody;
  /** Recorded in the log: why this answer (e.g. `rate-limited`, `unauthorised`, `not-found`). */
  note?: string;
}

export type SimHandler = (request: SimRequest) => SimResponse | Promise<SimResponse>;

export interface HttpSimulatorOptions {
  provider: ProviderName;
  handler: SimHandler;
  log: RequestLog;
  faults: FaultInjector;
  /** The provider's own rendering of an injected `status` or `api-error` fault. */
  renderFault: (fault: Fault, request: SimRequest) => SimResponse;
  now: () => number;
  host?: string;
  port?: number;
}

export interface RunningServer {
  /** Origin, e.g. `http://127.0.0.1:41234`. */
  url: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1_000_000;

export function json(status: number, value: unknown, headers: Record<string, string | number> = {}): SimResponse {
  return {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(value),
  };
}

export function text(
  status: number,
  body: string,
  contentType: string,
  headers: Record<string, string | number> = {},
): SimResponse {
  return { status, headers: { 'Content-Type': contentType, ...headers }, body };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    // A client that goes away mid-body never sends 'end'; the request is answered into the void.
    request.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function loggedHeaders(headers: IncomingHttpHeaders): Partial<Record<LoggedHeader, string>> {
  const out: Partial<Record<LoggedHeader, string>> = {};
  for (const name of LOGGED_HEADERS) {
    const value = headers[name];
    if (typeof value === 'string') out[name] = value;
    else if (Array.isArray(value)) out[name] = value.join(', ');
  }
  return out;
}

function firstValues(query: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of query) if (!(name in out)) out[name] = value;
  return out;
}

function bodyToString(body: SimBody | undefined): string {
  if (body === undefined) return '';
  return typeof body === 'string' ? body : [...body].join('');
}

async function writeBody(response: ServerResponse, body: SimBody | undefined): Promise<void> {
  if (body === undefined) {
    response.end();
    return;
  }
  if (typeof body === 'string') {
    response.setHeader('Content-Length', Buffer.byteLength(body));
    response.end(body);
    return;
  }
  for (const chunk of body) {
    if (response.destroyed) return;
    if (!response.write(chunk)) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          response.off('drain', done);
          response.off('close', done);
          resolve();
        };
        response.on('drain', done);
        response.on('close', done);
      });
    }
  }
  response.end();
}

/** The share of a simulated round trip spent before the request reaches the service (see below). */
const INBOUND_LATENCY_SHARE = 0.1;

export async function startHttpServer(options: HttpSimulatorOptions): Promise<RunningServer> {
  const { provider, handler, log, faults, renderFault, now } = options;
  const holds = new Set<() => void>();
  const sockets = new Set<Socket>();

  /** Waits `ms`, but gives up early when the client goes away or the server closes. */
  const hold = (ms: number, response: ServerResponse): Promise<void> =>
    new Promise((resolve) => {
      const release = (): void => {
        clearTimeout(timer);
        holds.delete(release);
        response.off('close', release);
        resolve();
      };
      const timer = setTimeout(release, ms);
      holds.add(release);
      response.on('close', release);
    });

  const serve = async (incoming: IncomingMessage, response: ServerResponse): Promise<void> => {
    const startedAt = now();
    const url = new URL(incoming.url ?? '/', 'http://simulator.invalid');
    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      path = url.pathname;
    }
    const entry: LoggedRequest = {
      provider,
      method: (incoming.method ?? 'GET').toUpperCase(),
      path,
      query: firstValues(url.searchParams),
      headers: loggedHeaders(incoming.headers),
      status: 0,
      startedAt,
      durationMs: 0,
    };
    const finish = (status: number, note?: string): void => {
      entry.status = status;
      entry.durationMs = now() - startedAt;
      if (note !== undefined) entry.note = note;
      log.record(entry);
    };
    const request: SimRequest = {
      method: entry.method,
      path,
      query: url.searchParams,
      target: incoming.url ?? '/',
      headers: incoming.headers,
      body: await readBody(incoming),
      remoteAddress: incoming.socket.remoteAddress ?? 'unknown',
    };

    const decision = faults.decide(path);
    // The latency stands for a round trip. Only its way in (a small, steady part) comes before the
    // service's rate limiter, which counts requests as they arrive at its front door; the service's own
    // work and the way back, where most of the spread is, come after.
    const inbound = Math.round(decision.latencyMs * INBOUND_LATENCY_SHARE);
    if (inbound > 0) await hold(inbound, response);
    const fault = decision.fault;
    if (fault !== undefined) entry.fault = fault.kind;
    if (response.destroyed) {
      finish(0, 'client-gone');
      return;
    }
    if (fault?.kind === 'reset') {
      incoming.socket.destroy();
      finish(0);
      return;
    }
    if (fault?.kind === 'stall') {
      await hold(decision.stallMs, response);
      if (response.destroyed || !response.socket || response.socket.destroyed) {
        finish(0, 'client-gone');
        return;
      }
    }

    let answer: SimResponse;
    try {
      answer =
        fault?.kind === 'status' || fault?.kind === 'api-error' ? renderFault(fault, request) : await handler(request);
    } catch (error) {
      answer = renderFault({ kind: 'status', status: 500 }, request);
      answer.note = `handler-error: ${error instanceof Error ? error.message : String(error)}`;
    }
    if (fault?.kind === 'malformed') {
      answer = { ...answer, status: 200, body: MALFORMED_BODY };
    } else if (fault?.kind === 'truncated') {
      const whole = bodyToString(answer.body);
      answer = { ...answer, status: 200, body: whole.slice(0, Math.floor(whole.length / 2)) };
    }

    const outbound = decision.latencyMs - inbound;
    if (outbound > 0) await hold(outbound, response);
    if (response.destroyed) {
      finish(0, 'client-gone');
      return;
    }
    response.statusCode = answer.status;
    for (const [name, value] of Object.entries(answer.headers ?? {})) response.setHeader(name, value);
    await writeBody(response, answer.body);
    finish(answer.status, answer.note);
  };

  const server = createServer((incoming, response) => {
    serve(incoming, response).catch((error: unknown) => {
      if (!response.headersSent) {
        response.statusCode = 500;
        response.end(error instanceof Error ? error.message : 'simulator error');
      } else {
        response.destroy();
      }
    });
  });
  // Clients keep connections alive; a server that drops idle ones first races with their next request.
  server.keepAliveTimeout = 60_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;

  return {
    url: `http://${address.address}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const release of [...holds]) release();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/** The credential in `Authorization: Bearer <token>`, or undefined. */
export function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const value = headers.authorization;
  if (value === undefined) return undefined;
  const match = /^Bearer\s+(.*)$/i.exec(value);
  return match?.[1]?.trim();
}

/** `user:password` from `Authorization: Basic …`, or undefined when absent or not decodable. */
export function basicCredentials(headers: IncomingHttpHeaders): { user: string; password: string } | undefined {
  const value = headers.authorization;
  if (value === undefined) return undefined;
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(value.trim());
  if (match?.[1] === undefined) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
