// Whether an error means "the database cannot be reached right now" (stopped, restarting, network
// gone) rather than "this query is wrong". The first is retried and shown to API clients as
// UNAVAILABLE; the second is a bug or a bad input. Errors come from node-postgres directly, from
// Prisma's pg adapter (wrapped in `cause`), or from graphile-worker (which re-throws pg's errors).
// Raw SQL: the probe is `SELECT 1` on the pool itself, to test the connection and nothing else.
import { setTimeout as delay } from 'node:timers/promises';
import type pg from 'pg';

/** Node socket errors of a connection that cannot be made or was cut. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/**
 * SQLSTATEs of a server going away or not accepting connections: class 08 (connection exception),
 * 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now (starting up or shutting down).
 */
function isUnavailableSqlState(code: string): boolean {
  return code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03';
}

/** Prisma's own codes: P1001 can't reach the server, P1017 the server closed the connection, P2024 no connection in time. */
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1017', 'P2024']);

/** Prisma's pg adapter names a lost or refused connection by kind (its `meta.driverAdapterError.cause`). */
const ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout']);

/** node-postgres says these in plain messages (no code) when a connection ends under a query. */
const MESSAGES = [
  'Connection terminated',
  'connection terminated',
  'Client has encountered a connection error',
  'timeout exceeded when trying to connect',
  'Cannot use a pool after calling end',
  'the database system is shutting down',
  'the database system is starting up',
];

export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (depth > 5 || error === null || typeof error !== 'object') return false;
  const candidate = error as {
    code?: unknown;
    message?: unknown;
    cause?: unknown;
    originalError?: unknown;
    errors?: unknown;
    kind?: unknown;
    meta?: { driverAdapterError?: unknown };
  };
  if (typeof candidate.kind === 'string' && ADAPTER_KINDS.has(candidate.kind)) return true;
  if (typeof candidate.code === 'string') {
    if (NETWORK_CODES.has(candidate.code) || PRISMA_CODES.has(candidate.code) || isUnavailableSqlState(candidate.code))
      return true;
  }
  if (typeof candidate.message === 'string' && MESSAGES.some((text) => (candidate.message as string).includes(text)))
    return true;
  if (Array.isArray(candidate.errors) && candidate.errors.some((inner) => isDatabaseUnavailable(inner, depth + 1)))
    return true;
  return (
    isDatabaseUnavailable(candidate.cause, depth + 1) ||
    isDatabaseUnavailable(candidate.originalError, depth + 1) ||
    isDatabaseUnavailable(candidate.meta?.driverAdapterError, depth + 1)
  );
}

/** The error a job step throws when the database went away under it: the attempt ends and is retried. */
export class DatabaseUnavailableError extends Error {
  override name = 'DatabaseUnavailableError';
  constructor(cause: unknown) {
    super('the database is unavailable', { cause });
  }
}

/**
 * Waits until the pool can run a query again, backing off from 200 ms to 5 s between tries. Resolves
 * false if `signal` aborts first (the process is shutting down).
 */
export async function waitForDatabase(pool: pg.Pool, signal?: AbortSignal): Promise<boolean> {
  let pause = 200;
  for (;;) {
    if (signal?.aborted) return false;
    try {
      await pool.query('SELECT 1');
      return true;
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
    }
    try {
      await delay(pause, undefined, { signal });
    } catch {
      return false;
    }
    pause = Math.min(5_000, pause * 2);
  }
}

/**
 * Runs `write` once the pool answers again, and again after each time the database goes away before
 * the write lands (an outage can come in bursts). Gives up quietly when `signal` aborts (shutdown);
 * an error that is not an outage is thrown.
 */
export async function writeWhenDatabaseIsBack(
  pool: pg.Pool,
  signal: AbortSignal | undefined,
  write: () => Promise<unknown>,
): Promise<void> {
  for (;;) {
    if (!(await waitForDatabase(pool, signal))) return;
    try {
      await write();
      return;
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
    }
  }
}
