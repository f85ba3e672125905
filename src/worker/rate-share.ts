// Each provider's rate is a budget for the whole installation, not for each process, and it is shared
// only among the processes that spend it. A process that asks a limiter for a slot registers as a caller
// of that provider (a row in provider_callers, announced with NOTIFY so the others re-divide at once);
// one that has not asked for a while withdraws. Each process then runs at
//   rate / (callers, counting itself even while idle)
// so an idle API process beside a warming worker leaves the worker the whole budget, and its own first
// request already goes at the share it will have once registered. Between an announcement and the others'
// re-division (one NOTIFY round trip) the installation may briefly exceed the budget by one share; a
// refusal then pauses the limiter, so this costs at most a retried request.
//
// The SQL is raw on the heartbeat pool, for the reason heartbeats use that pool: a pool saturated by jobs
// or API reads must not delay the re-division.
import type pg from 'pg';
import type { Config } from '../config.ts';
import type { NotificationListener } from '../db/notification-listener.ts';
import type { Logger } from '../logger.ts';
import type { Providers } from '../providers/create-providers.ts';
import type { ProviderName } from '../types.ts';

const PROVIDER_CALLERS_CHANNEL = 'linernotes_provider_callers';

function configuredRates(config: Config): Array<[ProviderName, number]> {
  const rates: Array<[ProviderName, number | undefined]> = [
    ['lastfm', config.providers.lastfm?.requestsPerSecond],
    ['musicbrainz', config.providers.musicbrainz?.requestsPerSecond],
    ['spotify', config.providers.spotify?.requestsPerSecond],
  ];
  return rates.filter((entry): entry is [ProviderName, number] => entry[1] !== undefined);
}

/** The share of one provider's rate for a process, given the other processes calling it. */
function rateShare(rate: number, otherCallers: number): number {
  return rate / (Math.max(0, otherCallers) + 1);
}

export interface RateShareOptions {
  pool: pg.Pool;
  listener: NotificationListener;
  providers: Providers;
  config: Config;
  logger: Logger;
  processId: string;
  /** A process that asked for no slot for this long is no longer a caller. */
  idleAfterMs: number;
  /** A caller whose process stopped beating this long ago is not counted (it died). */
  staleAfterMs: number;
}

export class ProviderRateShare {
  private readonly rates: Array<[ProviderName, number]>;
  /** Providers this process is registered as calling. */
  private readonly calling = new Set<ProviderName>();
  private work: Promise<void> = Promise.resolve();
  private unsubscribe: (() => void) | undefined;
  private stopped = false;

  constructor(private readonly options: RateShareOptions) {
    this.rates = configuredRates(options.config);
  }

  async start(): Promise<void> {
    for (const [name] of this.rates) {
      this.options.providers.limiter(name)?.onAcquire(() => {
        if (!this.calling.has(name) && !this.stopped) this.enqueue(() => this.register(name));
      });
    }
    this.unsubscribe = await this.options.listener.subscribe(PROVIDER_CALLERS_CHANNEL, () =>
      this.enqueue(() => this.divide()),
    );
    await this.enqueue(() => this.divide());
  }

  /**
   * Called after every heartbeat: keeps the registrations of providers still being called, withdraws the
   * others, and re-divides (a caller that died without withdrawing drops out once its process is stale).
   */
  beat(): Promise<void> {
    return this.enqueue(async () => {
      const now = performance.now();
      const idle: ProviderName[] = [];
      const active: ProviderName[] = [];
      for (const name of this.calling) {
        const last = this.options.providers.limiter(name)?.lastAcquiredAt ?? Number.NEGATIVE_INFINITY;
        (now - last > this.options.idleAfterMs ? idle : active).push(name);
      }
      // An upsert, not an update: a registration that failed while the database was away is made now.
      if (active.length > 0) {
        await this.options.pool.query(
          `INSERT INTO provider_callers (process_id, provider, called_at) SELECT $1, unnest($2::text[]), now()
           ON CONFLICT (process_id, provider) DO UPDATE SET called_at = now()`,
          [this.options.processId, active],
        );
      }
      if (idle.length > 0) {
        await this.options.pool.query(
          'DELETE FROM provider_callers WHERE process_id = $1 AND provider = ANY($2::text[])',
          [this.options.processId, idle],
        );
        for (const name of idle) this.calling.delete(name);
        await this.announce();
      }
      await this.divide();
    });
  }

  /** The providers this process counts itself a caller of (for tests and diagnostics). */
  get callingProviders(): ReadonlySet<ProviderName> {
    return this.calling;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    await this.work;
    for (const [name] of this.rates) this.options.providers.limiter(name)?.onAcquire(undefined);
    // The process row's deletion removes the registrations too; withdrawing first lets the others
    // re-divide now rather than when this process's heartbeat goes stale.
    if (this.calling.size > 0) {
      this.calling.clear();
      await this.options.pool
        .query('DELETE FROM provider_callers WHERE process_id = $1', [this.options.processId])
        .then(() => this.announce())
        .catch(() => undefined);
    }
  }

  private async register(name: ProviderName): Promise<void> {
    if (this.calling.has(name) || this.stopped) return;
    this.calling.add(name);
    await this.options.pool.query(
      `INSERT INTO provider_callers (process_id, provider, called_at) VALUES ($1, $2, now())
       ON CONFLICT (process_id, provider) DO UPDATE SET called_at = now()`,
      [this.options.processId, name],
    );
    await this.announce();
    await this.divide();
  }

  private async announce(): Promise<void> {
    await this.options.pool.query('SELECT pg_notify($1, $2)', [PROVIDER_CALLERS_CHANNEL, this.options.processId]);
  }

  /** Sets every limited provider's rate to this process's share. */
  private async divide(): Promise<void> {
    // A registered process counts whatever its last heartbeat: a dead one is swept (and deregistered)
    // once its session is gone, and one that is only late (a busy machine) may call again at any moment,
    // so its share stays reserved rather than spent twice.
    const { rows } = await this.options.pool.query<{ provider: string; others: number }>(
      `SELECT c.provider, count(*)::int AS others
         FROM provider_callers c JOIN worker_processes w ON w.id = c.process_id
        WHERE c.process_id <> $1
          AND c.called_at >= now() - make_interval(secs => $2::double precision / 1000)
        GROUP BY c.provider`,
      [this.options.processId, this.options.idleAfterMs + this.options.staleAfterMs],
    );
    const others = new Map(rows.map((row) => [row.provider, row.others]));
    for (const [name, rate] of this.rates) {
      this.options.providers.limiter(name)?.setRate(rateShare(rate, others.get(name) ?? 0));
    }
  }

  /** One change at a time, in order; a failure (the database away) is logged and the last shares kept. */
  private enqueue(step: () => Promise<void>): Promise<void> {
    this.work = this.work.then(step).catch((error: unknown) => {
      this.options.logger.debug(
        { error: error instanceof Error ? error.message : String(error) },
        'could not re-divide the provider rates; keeping the current shares',
      );
    });
    return this.work;
  }
}
