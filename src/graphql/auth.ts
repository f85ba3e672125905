// Who may do what, decided once per request from the bearer token and the peer's socket address.
// Mutations need API_TOKEN; with no API_TOKEN set they are accepted only from a loopback peer. The
// address is the TCP peer's, never a forwarded-for header: a proxy on this machine would otherwise let
// anyone through, so behind a proxy set API_TOKEN. Queries and subscriptions are open unless READ_TOKEN
// is set (API_TOKEN reads too).
// A named app token (`linernotes tokens add`) is judged by its scope alone, wherever it comes from:
// read (queries and subscriptions), lookup (reads plus lookupArtists and lookupAlbums) or admin
// (everything). Over its quota, it may do nothing until the minute ends.
import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { AppTokenCheck } from '../access/app-tokens.ts';

export type AccessDenial = 'missing-token' | 'wrong-token' | 'not-loopback' | 'scope' | 'quota';

export type Access =
  | { allowed: true }
  | { allowed: false; reason: AccessDenial; message: string; retryAfterSeconds?: number };

export interface RequestAuth {
  read: Access;
  /** lookupArtists and lookupAlbums: they spend provider budget. */
  lookup: Access;
  mutate: Access;
}

const ALLOWED: Access = { allowed: true };

/** 127.0.0.0/8, ::1 and IPv4-mapped loopback (::ffff:127.x.x.x). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  const plain = address.replace(/^::ffff:/i, '');
  if (isIP(plain) === 4) return plain.startsWith('127.');
  return plain === '::1' || plain === '0:0:0:0:0:0:0:1';
}

// Comparing digests keeps the comparison constant-time whatever the lengths.
function sameToken(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** `Bearer <token>` (any case), or the bare token. */
export function tokenFromAuthorization(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  const bearer = /^bearer\s+(.+)$/i.exec(trimmed);
  return (bearer?.[1] ?? trimmed).trim();
}

/** graphql-ws clients put the header in connectionParams: `{ Authorization: 'Bearer …' }` (or `authorization`, or `headers`). */
export function tokenFromConnectionParams(params: Readonly<Record<string, unknown>> | undefined): string | undefined {
  if (!params) return undefined;
  const headers =
    typeof params.headers === 'object' && params.headers !== null ? (params.headers as Record<string, unknown>) : {};
  for (const value of [params.Authorization, params.authorization, headers.Authorization, headers.authorization]) {
    const token = tokenFromAuthorization(value);
    if (token !== undefined) return token;
  }
  return undefined;
}

function tokenAccess(token: string | undefined, accepted: ReadonlyArray<string | undefined>, what: string): Access {
  if (token === undefined) {
    return { allowed: false, reason: 'missing-token', message: `${what} need an Authorization: Bearer token` };
  }
  if (accepted.some((expected) => expected !== undefined && sameToken(token, expected))) return ALLOWED;
  return { allowed: false, reason: 'wrong-token', message: `the bearer token is not valid for ${what}` };
}

/** What a known app token may do. */
function appTokenAuth(check: Extract<AppTokenCheck, { known: true }>): RequestAuth {
  if (check.overQuota) {
    const denied: Access = {
      allowed: false,
      reason: 'quota',
      message: `the token "${check.name}" made more than its ${check.quotaPerMinute} requests this minute; retry in ${check.retryAfterSeconds} s`,
      retryAfterSeconds: check.retryAfterSeconds,
    };
    return { read: denied, lookup: denied, mutate: denied };
  }
  const scopeDenial = (what: string, needs: string): Access => ({
    allowed: false,
    reason: 'scope',
    message: `the token "${check.name}" has the ${check.scope} scope; ${what} need ${needs}`,
  });
  return {
    read: ALLOWED,
    lookup: check.scope === 'read' ? scopeDenial('lookups', 'the lookup or admin scope') : ALLOWED,
    mutate: check.scope === 'admin' ? ALLOWED : scopeDenial('mutations', 'the admin scope'),
  };
}

export function authorise(request: {
  token: string | undefined;
  peerAddress: string | undefined;
  apiToken: string | undefined;
  readToken: string | undefined;
  isLoopback: (address: string | undefined) => boolean;
  /** The bearer token's app-token check, when it was one (see isEnvironmentToken). */
  appToken?: AppTokenCheck;
}): RequestAuth {
  if (request.appToken?.known) return appTokenAuth(request.appToken);
  let mutate: Access;
  if (request.apiToken !== undefined) mutate = tokenAccess(request.token, [request.apiToken], 'mutations');
  else if (request.isLoopback(request.peerAddress)) mutate = ALLOWED;
  else {
    mutate = {
      allowed: false,
      reason: 'not-loopback',
      message: 'API_TOKEN is not set, so mutations are accepted only from this machine (a loopback address)',
    };
  }
  const read =
    request.readToken === undefined
      ? ALLOWED
      : tokenAccess(request.token, [request.readToken, request.apiToken], 'queries');
  return { read, lookup: mutate, mutate };
}

/** Whether the bearer token is API_TOKEN or READ_TOKEN: those are never looked up among app tokens. */
export function isEnvironmentToken(
  token: string,
  apiToken: string | undefined,
  readToken: string | undefined,
): boolean {
  return [apiToken, readToken].some((expected) => expected !== undefined && sameToken(token, expected));
}
