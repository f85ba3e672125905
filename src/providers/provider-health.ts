// Provider health for the whole installation, from what every process records (health-recorder.ts), the
// pauses for refused credentials (pause-store.ts), the start-up probe's findings (capability-store.ts) and
// the configuration: any process, or the CLI without a runtime of its own, tells the same story.
import type { Config } from '../config.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import type pg from 'pg';
import type { ProviderName } from '../types.ts';
import type { BreakerState } from './counters.ts';
import { PROVIDER_NAMES, credentialDigest } from './create-providers.ts';
import { minuteOf } from './health-recorder.ts';
import { type StoredPause, readActivePauses } from './pause-store.ts';

export type ProviderHealthStatus = 'ok' | 'degraded' | 'failing' | 'paused' | 'not-configured';

export interface ProviderHealth {
  provider: ProviderName;
  configured: boolean;
  /**
   * not-configured; paused (refused credentials, for every process); failing (a breaker open or probing in a
   * live process); degraded (told to slow down, or out of quota, in a live process); ok otherwise.
   */
  status: ProviderHealthStatus;
  /** The worst breaker among the live processes (open, then half-open, then closed). */
  breaker: BreakerState;
  /** Live processes whose breaker for this provider is open or half-open. */
  failingProcesses: number;
  /** Live processes that reported on this provider. */
  processes: number;
  /**
   * Spotify only (null for the others): whether its credentials get artist genres, as a start-up probe
   * found (`unknown` until one could tell), and when it found out.
   */
  genres: 'available' | 'unavailable' | 'unknown' | null;
  genresCheckedAt: Date | null;
  pause: StoredPause | null;
  rateLimitedUntil: Date | null;
  unavailableUntil: Date | null;
  /** When the last of its waits ends (pause, open breaker, slow-down, quota); null when nothing holds it. */
  resumesAt: Date | null;
  /** Requests a second over the last one to two minutes, every process together. */
  requestsPerSecond: number;
  /** The installation's budget for it (configuration); null when only concurrency bounds it. */
  budgetPerSecond: number | null;
  lastHour: { requests: number; rateLimited: number; errors: number };
}

const HOUR_MS = 60 * 60 * 1000;
const MINUTE_MS = 60_000;
const BREAKER_ORDER: readonly BreakerState[] = ['closed', 'half-open', 'open'];

function budgetOf(config: Config, provider: ProviderName): number | null {
  if (provider === 'lastfm') return config.providers.lastfm?.requestsPerSecond ?? null;
  if (provider === 'musicbrainz') return config.providers.musicbrainz?.requestsPerSecond ?? null;
  if (provider === 'spotify') return config.providers.spotify?.requestsPerSecond ?? null;
  return null;
}

function latest(dates: ReadonlyArray<Date | null | undefined>, after: Date): Date | null {
  const times = dates
    .filter((date): date is Date => date !== null && date !== undefined && date.getTime() > after.getTime())
    .map((date) => date.getTime());
  return times.length === 0 ? null : new Date(Math.max(...times));
}

export async function readProviderHealth(options: {
  prisma: PrismaClient;
  pool: pg.Pool;
  config: Config;
  now: Date;
}): Promise<ProviderHealth[]> {
  const { prisma, pool, config, now } = options;
  const hourAgo = minuteOf(new Date(now.getTime() - HOUR_MS));
  const recentFrom = new Date(minuteOf(now).getTime() - MINUTE_MS);
  const [hour, recent, states, pauses, capability] = await Promise.all([
    prisma.providerRequestMinute.groupBy({
      by: ['provider'],
      where: { minute: { gt: hourAgo } },
      _sum: { requests: true, rateLimited: true, errors: true },
    }),
    prisma.providerRequestMinute.groupBy({
      by: ['provider'],
      where: { minute: { gte: recentFrom } },
      _sum: { requests: true },
    }),
    // Only processes still beating: a dead one's breaker says nothing about now.
    prisma.providerProcessState.findMany({
      where: { process: { heartbeatAt: { gte: new Date(now.getTime() - config.workerStaleMs) } } },
    }),
    readActivePauses(pool, (name) => credentialDigest(config.providers, name)),
    prisma.providerCapability.findUnique({ where: { provider: 'spotify' } }),
  ]);
  const hourOf = new Map(hour.map((row) => [row.provider, row._sum]));
  const recentOf = new Map(recent.map((row) => [row.provider, row._sum.requests ?? 0]));
  // The recent window: the whole previous minute and the current one so far.
  const recentSeconds = (now.getTime() - recentFrom.getTime()) / 1000;

  return PROVIDER_NAMES.map((provider): ProviderHealth => {
    const configured = config.providers[provider] !== undefined;
    const own = states.filter((state) => state.provider === provider);
    // A breaker recorded open whose pause has passed now lets a probe through: half-open.
    const breakers = own.map((state): BreakerState => {
      const breaker = BREAKER_ORDER.find((candidate) => candidate === state.breaker) ?? 'closed';
      return breaker === 'open' && state.breakerRetryAt !== null && state.breakerRetryAt <= now ? 'half-open' : breaker;
    });
    const breaker = breakers.reduce<BreakerState>(
      (worst, next) => (BREAKER_ORDER.indexOf(next) > BREAKER_ORDER.indexOf(worst) ? next : worst),
      'closed',
    );
    const rateLimitedUntil = latest(
      own.map((state) => state.rateLimitedUntil),
      now,
    );
    const unavailableUntil = latest(
      own.map((state) => state.unavailableUntil),
      now,
    );
    const pause = pauses.get(provider) ?? null;
    const failingProcesses = breakers.filter((state) => state !== 'closed').length;
    const status: ProviderHealthStatus = !configured
      ? 'not-configured'
      : pause !== null
        ? 'paused'
        : failingProcesses > 0
          ? 'failing'
          : rateLimitedUntil !== null || unavailableUntil !== null
            ? 'degraded'
            : 'ok';
    const sums = hourOf.get(provider);
    const digest = credentialDigest(config.providers, provider);
    // A finding about other credentials than the configured ones says nothing about these.
    const finding = capability !== null && capability.credentialDigest === digest ? capability : null;
    const genres =
      provider !== 'spotify' || !configured
        ? null
        : finding?.genres === 'available' || finding?.genres === 'unavailable'
          ? finding.genres
          : 'unknown';
    return {
      provider,
      configured,
      status,
      breaker,
      failingProcesses,
      processes: own.length,
      genres,
      genresCheckedAt: genres === null || genres === 'unknown' ? null : (finding?.checkedAt ?? null),
      pause,
      rateLimitedUntil,
      unavailableUntil,
      resumesAt: latest(
        [pause?.retryAt, ...own.map((state) => state.breakerRetryAt), rateLimitedUntil, unavailableUntil],
        now,
      ),
      requestsPerSecond: Math.round((100 * (recentOf.get(provider) ?? 0)) / recentSeconds) / 100,
      budgetPerSecond: configured ? budgetOf(config, provider) : null,
      lastHour: {
        requests: sums?.requests ?? 0,
        rateLimited: sums?.rateLimited ?? 0,
        errors: sums?.errors ?? 0,
      },
    };
  });
}
