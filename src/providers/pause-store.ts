// Provider pauses in PostgreSQL, so that every process of the installation stops asking a provider that
// refused our credentials for good, and so that a restart does not send the refused key again at once.
// Each change is announced on a channel; processes apply what the table says, not what the payload says.
import type { Queryable } from '../db/queryable.ts';
import type { ProviderPause as PauseRecord } from '../generated/prisma/client.ts';
import type { ProviderName } from '../types.ts';
import type { ProviderPause } from './rate-limiter.ts';

export const PAUSE_CHANNEL = 'provider_pauses';

export interface StoredPause extends ProviderPause {
  provider: ProviderName;
  credentialDigest: string;
}

function fromRow(row: PauseRecord): StoredPause {
  return {
    // Only savePause writes this table, and only with a ProviderName.
    provider: row.provider as ProviderName,
    reason: row.reason,
    credentialDigest: row.credentialDigest,
    since: row.pausedAt,
    retryAt: row.retryAt,
  };
}

export async function readPauses(db: Queryable, provider?: ProviderName): Promise<StoredPause[]> {
  const { rows } = await db.query<PauseRecord>(
    `SELECT provider, reason, credential_digest AS "credentialDigest", paused_at AS "pausedAt", retry_at AS "retryAt"
       FROM provider_pauses
      WHERE $1::text IS NULL OR provider = $1 ORDER BY provider`,
    [provider ?? null],
  );
  return rows.map(fromRow);
}

/** The pauses that apply to the credentials configured now (a pause of another key is over). */
export async function readActivePauses(
  db: Queryable,
  digestOf: (provider: ProviderName) => string | undefined,
): Promise<Map<ProviderName, StoredPause>> {
  const pauses = await readPauses(db);
  return new Map(
    pauses
      .filter((pause) => digestOf(pause.provider) === pause.credentialDigest)
      .map((pause) => [pause.provider, pause]),
  );
}

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
