// Provider pauses in PostgreSQL, so that every process of the installation stops asking a provider that
// refused our credentials for good, and so that a restart does not send the refused key again at once.
// Each change is announced on a channel; processes apply what the table says, not what the payload says.
import type pg from 'pg';
import { prismaOf } from '../db/prisma.ts';
import type { Queryable } from '../db/queryable.ts';
import type { ProviderName } from '../types.ts';
import { PROVIDER_NAMES } from './create-providers.ts';
import type { ProviderPause } from './rate-limiter.ts';

export const PAUSE_CHANNEL = 'provider_pauses';

export interface StoredPause extends ProviderPause {
  provider: ProviderName;
  credentialDigest: string;
}

/** The table's provider column is text: a row another version wrote for a provider this one lacks is skipped. */
function isProviderName(name: string): name is ProviderName {
  return (PROVIDER_NAMES as readonly string[]).includes(name);
}

export async function readPauses(pool: pg.Pool, provider?: ProviderName): Promise<StoredPause[]> {
  const rows = await prismaOf(pool).providerPause.findMany({
    where: provider === undefined ? {} : { provider },
    orderBy: { provider: 'asc' },
  });
  return rows.flatMap((row) =>
    isProviderName(row.provider)
      ? [
          {
            provider: row.provider,
            reason: row.reason,
            credentialDigest: row.credentialDigest,
            since: row.pausedAt,
            retryAt: row.retryAt,
          },
        ]
      : [],
  );
}

/** The pauses that apply to the credentials configured now (a pause of another key is over). */
export async function readActivePauses(
  pool: pg.Pool,
  digestOf: (provider: ProviderName) => string | undefined,
): Promise<Map<ProviderName, StoredPause>> {
  const pauses = await readPauses(pool);
  return new Map(
    pauses
      .filter((pause) => digestOf(pause.provider) === pause.credentialDigest)
      .map((pause) => [pause.provider, pause]),
  );
}

// Raw SQL for the writes: the change and its announcement (pg_notify) are one statement, so no process hears
// of a pause that was not stored, nor misses one that was.
export async function savePause(
  db: Queryable,
  provider: ProviderName,
  pause: ProviderPause,
  credentialDigest: string,
): Promise<void> {
  await db.query(
    `WITH saved AS (
       INSERT INTO provider_pauses (provider, reason, credential_digest, paused_at, retry_at)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (provider) DO UPDATE SET reason = EXCLUDED.reason, credential_digest = EXCLUDED.credential_digest,
         paused_at = EXCLUDED.paused_at, retry_at = EXCLUDED.retry_at
       RETURNING provider)
     SELECT pg_notify($6, provider) FROM saved`,
    [provider, pause.reason, credentialDigest, pause.since, pause.retryAt, PAUSE_CHANNEL],
  );
}

/** Ends a pause; true when there was one. */
export async function deletePause(db: Queryable, provider: ProviderName): Promise<boolean> {
  const { rows } = await db.query<{ provider: string }>(
    `WITH gone AS (DELETE FROM provider_pauses WHERE provider = $1 RETURNING provider)
     SELECT provider, pg_notify($2, provider) FROM gone`,
    [provider, PAUSE_CHANNEL],
  );
  return rows.length > 0;
}
