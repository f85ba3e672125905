// Named tokens for apps: made, listed and revoked by `linernotes tokens`, checked on every request that
// presents one. Only a SHA-256 digest of each token is stored. Not bcrypt or scrypt: those slow hashes
// protect passwords people choose, which can be guessed; these tokens are 32 random bytes, which nobody
// guesses, so a fast digest is as safe and lets each request find its token by an index lookup.
//
// Every request counts against its token's quota in PostgreSQL, on the token's own row (the current
// minute and its count), in the same statement that finds the token: the quota then holds across all
// processes exactly, a revoked token (a deleted row) is refused by the next request in any process, and
// none of this costs more than the one round trip that finding the token needs anyway.
import { createHash, randomBytes } from 'node:crypto';
import type pg from 'pg';
import { prismaOf } from '../db/prisma.ts';
import type { AppToken, AppTokenScope } from '../generated/prisma/client.ts';

export type { AppTokenScope };

/** Tokens start with this, so that a leaked one is recognisable in a scan of logs or repositories. */
const TOKEN_PREFIX = 'lnr_';
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const MAX_QUOTA_PER_MINUTE = 1_000_000;

export class AppTokenError extends Error {
  override name = 'AppTokenError';
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Whether a bearer token has the shape of an app token: other strings never cost a database query. */
export function looksLikeAppToken(token: string): boolean {
  return token.startsWith(TOKEN_PREFIX) && token.length < 200;
}

export interface NewAppToken {
  name: string;
  scope: AppTokenScope;
  quotaPerMinute?: number;
}

/** Makes a token and answers it: the only time it exists outside the caller's hands. */
export async function createAppToken(pool: pg.Pool, input: NewAppToken): Promise<string> {
  if (!NAME_PATTERN.test(input.name)) {
    throw new AppTokenError(
      `token name ${JSON.stringify(input.name)}: 1-64 letters, digits, dots, dashes or underscores, starting with a letter or digit`,
    );
  }
  const quota = input.quotaPerMinute;
  if (quota !== undefined && (!Number.isInteger(quota) || quota < 1 || quota > MAX_QUOTA_PER_MINUTE)) {
    throw new AppTokenError(`quota: a whole number of requests a minute, 1 to ${MAX_QUOTA_PER_MINUTE}`);
  }
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  const prisma = prismaOf(pool);
  const existing = await prisma.appToken.findUnique({ where: { name: input.name }, select: { id: true } });
  if (existing !== null) throw new AppTokenError(`a token named "${input.name}" exists; revoke it first`);
  await prisma.appToken.create({
    data: { name: input.name, tokenHash: digest(token), scope: input.scope, quotaPerMinute: quota ?? null },
  });
  return token;
}

export interface AppTokenListing {
  name: string;
  scope: AppTokenScope;
  quotaPerMinute: number | null;
  createdAt: Date;
  lastUsedAt: Date | null;
}

export async function listAppTokens(pool: pg.Pool): Promise<AppTokenListing[]> {
  return prismaOf(pool).appToken.findMany({
    orderBy: { name: 'asc' },
    select: { name: true, scope: true, quotaPerMinute: true, createdAt: true, lastUsedAt: true },
  });
}

/** Deletes the token: the next request that presents it, in any process, is refused. False: no such token. */
export async function revokeAppToken(pool: pg.Pool, name: string): Promise<boolean> {
  const { count } = await prismaOf(pool).appToken.deleteMany({ where: { name } });
  return count > 0;
}

export type AppTokenCheck =
  | { known: false }
  | { known: true; name: string; scope: AppTokenScope; overQuota: false }
  | {
      known: true;
      name: string;
      scope: AppTokenScope;
      overQuota: true;
      quotaPerMinute: number;
      retryAfterSeconds: number;
    };

/** The token's columns as the generated model names them, and the seconds left of its quota minute. */
type TokenCheck = Pick<AppToken, 'name' | 'scope' | 'quotaPerMinute' | 'minuteRequests'> & { secondsLeft: number };

// Raw SQL: finding the token, counting the request in its minute and noting its last use are one atomic
// statement on the database's clock (the same for every process); Prisma's update cannot compute the count.
const CHECK_SQL = `
UPDATE app_tokens
   SET last_used_at = now(),
       minute_requests = CASE WHEN quota_minute = date_trunc('minute', now()) THEN minute_requests + 1 ELSE 1 END,
       quota_minute = date_trunc('minute', now())
 WHERE token_hash = $1
RETURNING name, scope, quota_per_minute AS "quotaPerMinute", minute_requests AS "minuteRequests",
          ceil(extract(epoch FROM date_trunc('minute', now()) + interval '1 minute' - now()))::int AS "secondsLeft"`;

/** Finds the token and counts this request against its quota. */
export async function checkAppToken(pool: pg.Pool, token: string): Promise<AppTokenCheck> {
  const { rows } = await pool.query<TokenCheck>(CHECK_SQL, [digest(token)]);
  const row = rows[0];
  if (row === undefined) return { known: false };
  const quota = row.quotaPerMinute;
  if (quota !== null && row.minuteRequests > quota) {
    return {
      known: true,
      name: row.name,
      scope: row.scope,
      overQuota: true,
      quotaPerMinute: quota,
      retryAfterSeconds: Math.max(1, row.secondsLeft),
    };
  }
  return { known: true, name: row.name, scope: row.scope, overQuota: false };
}
