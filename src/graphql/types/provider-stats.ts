// Provider counters of this process (requests, retries, 429s, errors, latency, breaker, rate). An
// API-only process counts its own lookups; each worker process counts its jobs' requests.
import type { ProviderStatus } from '../../providers/create-providers.ts';
import type { ProviderPause } from '../../providers/rate-limiter.ts';
import { builder } from '../builder.ts';
import { ProviderEnum } from './enums.ts';

export const BreakerStateEnum = builder.enumType('BreakerState', {
  description: 'The circuit breaker in front of a provider: whether requests are sent to it.',
  values: {
    CLOSED: { value: 'closed', description: 'Requests flow.' },
    OPEN: { value: 'open', description: 'The provider failed repeatedly: requests are held off for a while.' },
    HALF_OPEN: { value: 'half-open', description: 'A trial request decides whether to close again.' },
  } as const,
});

const ErrorCount = builder.objectRef<{ kind: string; count: number }>('ProviderErrorCount').implement({
  description: 'How many calls to a provider ended in one kind of error.',
  fields: (t) => ({
    kind: t.exposeString('kind', {
      description: 'not-found, rate-limited, unavailable, unauthorised, bad-response, not-configured.',
    }),
    count: t.exposeInt('count', { description: 'Calls that ended in this kind of error.' }),
  }),
});

const Latency = builder
  .objectRef<{
    samples: number;
    averageMs: number | null;
    p50Ms: number | null;
    p95Ms: number | null;
    maxMs: number | null;
  }>('ProviderLatency')
  .implement({
    description: 'Over the most recent requests (a window of 512).',
    fields: (t) => ({
      samples: t.exposeInt('samples', { description: 'Requests in the window (at most 512).' }),
      averageMs: t.exposeFloat('averageMs', {
        nullable: true,
        description: 'Mean milliseconds per request; null before the first request.',
      }),
      p50Ms: t.exposeFloat('p50Ms', {
        nullable: true,
        description: 'Median milliseconds; null before the first request.',
      }),
      p95Ms: t.exposeFloat('p95Ms', {
        nullable: true,
        description: '95th percentile in milliseconds; null before the first request.',
      }),
      maxMs: t.exposeFloat('maxMs', {
        nullable: true,
        description: 'Slowest request in milliseconds; null before the first.',
      }),
    }),
  });

export const ProviderPauseRef = builder.objectRef<ProviderPause>('ProviderPause').implement({
  description:
    'The provider refused our credentials for good (Last.fm: invalid or suspended API key; Spotify: the app owner has no Premium), so no process asks it; runs finish without it and the entries it would have served stay partial, to be retried once it answers again.',
  fields: (t) => ({
    reason: t.exposeString('reason', {
      description: 'The provider’s own words, e.g. "error 26: Suspended API key - …".',
    }),
    since: t.expose('since', { type: 'DateTime', description: 'When the refusal came.' }),
    retryAt: t.expose('retryAt', {
      type: 'DateTime',
      description:
        'When requests are tried again on their own (a day later for a refused key or client credentials; six hours for a Spotify app whose owner lacks Premium). An answer then ends the pause, a refusal renews it. Configuring other credentials and restarting, or `linernotes providers resume <provider>`, ends it at once.',
    }),
  }),
});

export const ProviderStats = builder.objectRef<ProviderStatus & { pause?: ProviderPause }>('ProviderStats').implement({
  description: 'One provider as seen by this process since it started. Credentials are never shown.',
  fields: (t) => ({
    provider: t.field({ type: ProviderEnum, description: 'Which provider.', resolve: (status) => status.provider }),
    configured: t.exposeBoolean('configured', {
      description: 'Whether its settings are present; an unconfigured provider is never asked.',
    }),
    requests: t.int({
      description: 'HTTP attempts, retries included.',
      resolve: (status) => status.counters?.requests ?? 0,
    }),
    retries: t.int({
      description: 'Attempts that repeated a failed one.',
      resolve: (status) => status.counters?.retries ?? 0,
    }),
    rateLimited: t.int({
      description: 'Answers that said "slow down" (HTTP 429 and the like).',
      resolve: (status) => status.counters?.rateLimited ?? 0,
    }),
    errors: t.int({
      description: 'Calls that ended in an error.',
      resolve: (status) => status.counters?.errorsTotal ?? 0,
    }),
    errorsByKind: t.field({
      type: [ErrorCount],
      description: 'The errors, per kind that occurred.',
      resolve: (status) => Object.entries(status.counters?.errors ?? {}).map(([kind, count]) => ({ kind, count })),
    }),
    latency: t.field({
      type: Latency,
      nullable: true,
      description: 'How long its recent requests took; null for a provider this process has no client for.',
      resolve: (status) => status.counters?.latency ?? null,
    }),
    breaker: t.field({
      type: BreakerStateEnum,
      description: 'Its circuit breaker’s state.',
      resolve: (status) => status.counters?.breaker ?? 'closed',
    }),
    currentRate: t.float({
      nullable: true,
      description:
        'Requests per second the limiter allows now (shared out among live processes); null when only concurrency bounds it.',
      resolve: (status) => status.counters?.currentRate ?? null,
    }),
    pausedUntil: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'Paused after a 429 until then.',
      resolve: (status) => status.counters?.pausedUntil ?? null,
    }),
    unavailableUntil: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'Held off until then because the provider said it is unavailable; null when it is not.',
      resolve: (status) => status.counters?.unavailableUntil ?? null,
    }),
    pause: t.field({
      type: ProviderPauseRef,
      nullable: true,
      description:
        'Set while the provider is paused for the whole installation because it refused our credentials for good; null otherwise.',
      resolve: (status) => status.pause ?? null,
    }),
  }),
});
