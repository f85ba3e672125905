// providerHealth: each provider as the whole installation sees it (src/providers/provider-health.ts): every
// live process's breaker and waits, the shared pauses, the start-up probe's findings, and the request,
// 429 and error counts every process records per minute.
import type { ProviderHealth } from '../../providers/provider-health.ts';
import { builder } from '../builder.ts';
import { ProviderEnum } from './enums.ts';
import { BreakerStateEnum, ProviderPauseRef } from './provider-stats.ts';

const ProviderHealthStatusEnum = builder.enumType('ProviderHealthStatus', {
  description: 'How a provider is doing, for the whole installation.',
  values: {
    OK: { value: 'ok', description: 'Configured and answering; nothing holds requests back.' },
    DEGRADED: {
      value: 'degraded',
      description: 'A live process was told to slow down (a 429) or found the quota spent: requests wait.',
    },
    FAILING: {
      value: 'failing',
      description:
        'A live process’s circuit breaker is open (repeated failures: requests held off) or half-open (a probe decides).',
    },
    PAUSED: {
      value: 'paused',
      description: 'Our credentials were refused for good: no process asks it until the pause ends (see pause).',
    },
    NOT_CONFIGURED: { value: 'not-configured', description: 'Its settings are missing: it is never asked.' },
  } as const,
});

const GenresCapabilityEnum = builder.enumType('GenresCapability', {
  description: 'Whether a provider’s credentials get artist genres at all (Spotify withdraws them from new apps).',
  values: {
    AVAILABLE: { value: 'available', description: 'Its answers carry genres.' },
    UNAVAILABLE: { value: 'unavailable', description: 'Its answers carry none: it is not asked for them.' },
    UNKNOWN: { value: 'unknown', description: 'No probe could tell yet (one runs at start-up).' },
  } as const,
});

const HourCounts = builder.objectRef<ProviderHealth['lastHour']>('ProviderHourCounts').implement({
  description: 'Counts of the last hour, every process together (recorded per minute at each heartbeat).',
  fields: (t) => ({
    requests: t.exposeInt('requests', { description: 'HTTP attempts, retries included.' }),
    rateLimited: t.exposeInt('rateLimited', { description: 'Answers that said "slow down" (HTTP 429 and the like).' }),
    errors: t.exposeInt('errors', {
      description:
        'Calls the provider failed: errors other than "not found", leaving out the calls held back without a request while its breaker was open or it was paused.',
    }),
  }),
});

const ProviderHealthRef = builder.objectRef<ProviderHealth>('ProviderHealth').implement({
  description:
    'One provider as the whole installation sees it: every live process’s breaker and waits, pauses, what the start-up probe found, and the counts of every process. Counts and states are written at each heartbeat (every WORKER_STALE_SECONDS / 6), so they lag by that much.',
  fields: (t) => ({
    provider: t.field({ type: ProviderEnum, description: 'Which provider.', resolve: (health) => health.provider }),
    configured: t.exposeBoolean('configured', { description: 'Whether its settings are present.' }),
    status: t.field({
      type: ProviderHealthStatusEnum,
      description: 'How it is doing (see ProviderHealthStatus).',
      resolve: (health) => health.status,
    }),
    breaker: t.field({
      type: BreakerStateEnum,
      description: 'The worst circuit breaker among the live processes: OPEN, then HALF_OPEN, then CLOSED.',
      resolve: (health) => health.breaker,
    }),
    failingProcesses: t.exposeInt('failingProcesses', {
      description: 'Live processes whose breaker for it is open or half-open.',
    }),
    processes: t.exposeInt('processes', { description: 'Live processes that reported on it.' }),
    genres: t.field({
      type: GenresCapabilityEnum,
      nullable: true,
      description: 'Spotify only (null for the others): whether its credentials get artist genres.',
      resolve: (health) => health.genres,
    }),
    genresCheckedAt: t.expose('genresCheckedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When the probe found out whether genres come; null while unknown.',
    }),
    pause: t.field({
      type: ProviderPauseRef,
      nullable: true,
      description: 'Set while it is paused for refused credentials; null otherwise.',
      resolve: (health) => health.pause,
    }),
    rateLimitedUntil: t.expose('rateLimitedUntil', {
      type: 'DateTime',
      nullable: true,
      description: 'Told to slow down: no request before then (the latest among the live processes).',
    }),
    unavailableUntil: t.expose('unavailableUntil', {
      type: 'DateTime',
      nullable: true,
      description: 'Out of quota or said it is unavailable: calls fail fast until then.',
    }),
    resumesAt: t.expose('resumesAt', {
      type: 'DateTime',
      nullable: true,
      description:
        'When the last thing holding it back ends (pause, open breaker’s next probe, slow-down, quota); null when nothing does.',
    }),
    requestsPerSecond: t.exposeFloat('requestsPerSecond', {
      description: 'Requests a second sent now, every process together (over the last one to two minutes).',
    }),
    budgetPerSecond: t.exposeFloat('budgetPerSecond', {
      nullable: true,
      description:
        'The installation’s configured rate for it, shared by the processes calling it; null when only concurrency bounds it.',
    }),
    lastHour: t.field({
      type: HourCounts,
      description: 'Requests, 429s and errors of the last hour.',
      resolve: (health) => health.lastHour,
    }),
  }),
});

builder.queryField('providerHealth', (t) =>
  t.field({
    type: [ProviderHealthRef],
    description:
      'Every provider’s health for the whole installation (every process, not only this one): configured or not, what the start-up probe found, breaker and pauses, current rate, and the last hour’s requests, 429s and errors.',
    resolve: (_root, _args, context) => context.providerReads.health(context.now),
  }),
);
