// Writes this process's provider counters and states to PostgreSQL at every heartbeat, so that provider
// health can be told for the whole installation from any process (src/providers/provider-health.ts):
// what was counted since the last write is added to the current UTC minute's row of each provider, and
// this process's breaker, pauses and rate replace its previous ones. A write that fails (the database
// away) is not lost: the next one carries its counts too.
//
// Raw SQL, one statement for both tables: Prisma needs an upsert per provider and table (ten statements
// in a transaction), which took 9 × as long per batch (bench/provider-health-flush.bench.ts), on the
// heartbeat connection that must stay quick.
import type pg from 'pg';
import type { Queryable } from '../db/queryable.ts';
import type { Logger } from '../logger.ts';
import type { Clock, ProviderName } from '../types.ts';
import type { ProviderCountersSnapshot } from './counters.ts';
import type { Providers } from './create-providers.ts';

/** How long minute rows are kept: the health view sums the last hour; a day leaves room for a look back. */
const KEEP_MS = 24 * 60 * 60 * 1000;
const MINUTE_MS = 60_000;

interface Totals {
  requests: number;
  rateLimited: number;
  errors: number;
}

/** The start of the UTC minute `at` falls in. */
export function minuteOf(at: Date): Date {
  return new Date(Math.floor(at.getTime() / MINUTE_MS) * MINUTE_MS);
}

// "Not found" is an answer; "not configured" and the calls held back here (breaker open, paused) never
// reached the provider: none of them says it is unwell.
function totalsOf(counters: ProviderCountersSnapshot): Totals {
  const { errors } = counters;
  return {
    requests: counters.requests,
    rateLimited: counters.rateLimited,
    errors: counters.errorsTotal - errors['not-found'] - errors['not-configured'] - counters.heldBack,
  };
}

/** One process's write: counts to add to a minute's rows, and its states of the providers. */
export interface ProviderHealthBatch {
  minute: Date;
  processId: string;
  at: Date;
  counts: Array<{ provider: ProviderName } & Totals>;
  states: Array<{
    provider: ProviderName;
    breaker: string;
    breakerRetryAt: Date | null;
    rateLimitedUntil: Date | null;
    unavailableUntil: Date | null;
    requestsPerSecond: number | null;
  }>;
}

/** The batch in one statement: the counts added to their minute's rows, the states replaced. */
export async function writeProviderHealth(db: Queryable, batch: ProviderHealthBatch): Promise<void> {
  const { counts, states } = batch;
  await db.query(
    `WITH counted AS (
       INSERT INTO provider_request_minutes AS m (provider, minute, requests, rate_limited, errors)
       SELECT c.provider, $2, c.requests, c.rate_limited, c.errors
         FROM unnest($1::text[], $3::int[], $4::int[], $5::int[]) AS c(provider, requests, rate_limited, errors)
       ON CONFLICT (provider, minute) DO UPDATE SET requests = m.requests + EXCLUDED.requests,
         rate_limited = m.rate_limited + EXCLUDED.rate_limited, errors = m.errors + EXCLUDED.errors
     )
     INSERT INTO provider_process_states AS s (process_id, provider, breaker, breaker_retry_at, rate_limited_until,
       unavailable_until, requests_per_second, updated_at)
     SELECT $6, p.provider, p.breaker, p.breaker_retry_at, p.rate_limited_until, p.unavailable_until, p.rps, $12
       FROM unnest($7::text[], $8::text[], $9::timestamptz[], $10::timestamptz[], $11::timestamptz[], $13::float8[])
         AS p(provider, breaker, breaker_retry_at, rate_limited_until, unavailable_until, rps)
     ON CONFLICT (process_id, provider) DO UPDATE SET breaker = EXCLUDED.breaker,
       breaker_retry_at = EXCLUDED.breaker_retry_at, rate_limited_until = EXCLUDED.rate_limited_until,
       unavailable_until = EXCLUDED.unavailable_until, requests_per_second = EXCLUDED.requests_per_second,
       updated_at = EXCLUDED.updated_at`,
    [
      counts.map((entry) => entry.provider),
      batch.minute,
      counts.map((entry) => entry.requests),
      counts.map((entry) => entry.rateLimited),
      counts.map((entry) => entry.errors),
      batch.processId,
      states.map((entry) => entry.provider),
      states.map((entry) => entry.breaker),
      states.map((entry) => entry.breakerRetryAt),
      states.map((entry) => entry.rateLimitedUntil),
      states.map((entry) => entry.unavailableUntil),
      batch.at,
      states.map((entry) => entry.requestsPerSecond),
    ],
  );
}

export class ProviderHealthRecorder {
  /** The totals already written, per provider: the next write adds what came since. */
  private readonly written = new Map<ProviderName, Totals>();
  private work: Promise<void> = Promise.resolve();
  private prunedMinute = 0;

  constructor(
    private readonly options: {
      /** The heartbeat connection: a pool saturated by jobs must not hold the write back. */
      pool: pg.Pool;
      providers: Providers;
      processId: string;
      clock: Clock;
      logger: Logger;
    },
  ) {}

  /** Writes what was counted since the last write; one write at a time, in order. Never throws. */
  flush(): Promise<void> {
    this.work = this.work
      .then(() => this.write())
      .catch((error: unknown) =>
        this.options.logger.debug(
          { error: error instanceof Error ? error.message : String(error) },
          'could not record the provider counters; the next heartbeat carries them',
        ),
      );
    return this.work;
  }

  private async write(): Promise<void> {
    const { pool, providers, processId, clock } = this.options;
    const now = clock();
    const minute = minuteOf(now);
    const counted: Array<{ provider: ProviderName; totals: Totals; delta: Totals }> = [];
    const states: Array<{ provider: ProviderName; counters: ProviderCountersSnapshot }> = [];
    for (const status of Object.values(providers.stats())) {
      const counters = status.counters;
      if (!status.configured || counters === undefined) continue;
      states.push({ provider: status.provider, counters });
      const totals = totalsOf(counters);
      const before = this.written.get(status.provider) ?? { requests: 0, rateLimited: 0, errors: 0 };
      const delta = {
        requests: totals.requests - before.requests,
        rateLimited: totals.rateLimited - before.rateLimited,
        errors: totals.errors - before.errors,
      };
      if (delta.requests > 0 || delta.rateLimited > 0 || delta.errors > 0)
        counted.push({ provider: status.provider, totals, delta });
    }
    if (states.length === 0) return;
    await writeProviderHealth(pool, {
      minute,
      processId,
      at: now,
      counts: counted.map((entry) => ({ provider: entry.provider, ...entry.delta })),
      states: states.map(({ provider, counters }) => ({
        provider,
        breaker: counters.breaker,
        breakerRetryAt: counters.breakerRetryAt,
        rateLimitedUntil: counters.pausedUntil,
        unavailableUntil: counters.unavailableUntil,
        requestsPerSecond: counters.currentRate,
      })),
    });
    for (const entry of counted) this.written.set(entry.provider, entry.totals);
    // Once a minute, whichever process gets there: rows older than a day go.
    if (minute.getTime() !== this.prunedMinute) {
      this.prunedMinute = minute.getTime();
      await pool.query('DELETE FROM provider_request_minutes WHERE minute < $1', [
        new Date(minute.getTime() - KEEP_MS),
      ]);
    }
  }
}
