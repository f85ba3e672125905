// warmEstimate: what a warm would cost before anything runs (src/jobs/estimate/warm-estimate.ts).
import { JobNotConfiguredError } from '../../jobs/engine/readiness.ts';
import {
  NotAWarmError,
  type ProviderRequestEstimate,
  type WarmEstimate,
  estimateWarm,
} from '../../jobs/estimate/warm-estimate.ts';
import { isProviderError } from '../../providers/errors.ts';
import { builder } from '../builder.ts';
import { InvalidInputError, NotConfiguredError, ProviderUnavailableError } from '../errors.ts';
import { ProviderEnum } from './enums.ts';
import { JobKindEnum } from './job-kind.ts';

const ProviderRequestEstimateRef = builder.objectRef<ProviderRequestEstimate>('ProviderRequestEstimate').implement({
  description: 'The requests a warm would send one provider, and how long they would take.',
  fields: (t) => ({
    provider: t.field({ type: ProviderEnum, description: 'Which provider.', resolve: (entry) => entry.provider }),
    requests: t.exposeInt('requests', {
      description:
        'Requests expected: exact for Last.fm and Plex; for the fallbacks (MusicBrainz, Spotify) weighed by what each artist’s last fetch asked, or by the cache’s history for artists it lacks.',
    }),
    requestsPerSecond: t.exposeFloat('requestsPerSecond', {
      nullable: true,
      description:
        'The rate a warm would be allowed now: the configured rate, shared with the other processes calling the provider, after any slow-down; null when only concurrency bounds it (Plex).',
    }),
    seconds: t.exposeInt('seconds', {
      nullable: true,
      description: 'How long these requests take at that rate, a pause in force included; null without a rate.',
    }),
    pausedUntil: t.expose('pausedUntil', {
      type: 'DateTime',
      nullable: true,
      description: 'While the provider is paused (refused credentials, or told to slow down): until when.',
    }),
    pausedForGood: t.exposeBoolean('pausedForGood', {
      description:
        'The pause is for refused credentials: these requests are not sent before pausedUntil, and the warm goes on without them (entries stay partial).',
    }),
  }),
});

const WarmEstimateRef = builder.objectRef<WarmEstimate>('WarmEstimate').implement({
  description:
    'What a warm would fetch and ask, and how long it would take at the current rate limits, e.g. "12,430 artists, 41% fresh, 7,334 to fetch: ≈ 7,330 Last.fm requests at 4/s, …, ≈ 31 min (Last.fm)".',
  fields: (t) => ({
    kind: t.field({ type: JobKindEnum, description: 'The warm estimated.', resolve: (estimate) => estimate.kind }),
    entities: t.exposeInt('entities', {
      description: 'Artists or albums in the Plex library (its listing’s total size).',
    }),
    fresh: t.exposeInt('fresh', { description: 'Of those, entries the cache holds fresh: the warm skips them.' }),
    freshPercent: t.float({
      description: 'fresh as a percentage of entities, 0–100 (100 for an empty library).',
      resolve: (estimate) =>
        estimate.entities === 0 ? 100 : Math.round((1000 * estimate.fresh) / estimate.entities) / 10,
    }),
    toFetch: t.exposeInt('toFetch', { description: 'Entities the warm would fetch.' }),
    requests: t.field({
      type: [ProviderRequestEstimateRef],
      description: 'Per provider asked, in the order Last.fm, MusicBrainz, Spotify, Plex.',
      resolve: (estimate) => estimate.requests,
    }),
    totalRequests: t.exposeInt('totalRequests', { description: 'The requests of every provider together.' }),
    seconds: t.exposeInt('seconds', {
      description:
        'Expected duration: the slowest provider’s time (they are asked side by side); 0 when nothing is rate-limited.',
    }),
    pacedBy: t.field({
      type: ProviderEnum,
      nullable: true,
      description: 'The provider that sets the pace; null when none is rate-limited.',
      resolve: (estimate) => estimate.pacedBy,
    }),
    assumedFallbackShare: t.exposeBoolean('assumedFallbackShare', {
      description:
        'True until the cache holds artists: how often artists fall back to MusicBrainz and Spotify is then assumed, not measured.',
    }),
    listed: t.exposeBoolean('listed', {
      description:
        'False here: counted from the library’s size and the cache’s counts. A dry run (dryRun: true) reads every listing page and counts entity by entity.',
    }),
    summary: t.exposeString('summary', { description: 'The estimate in one line.' }),
  }),
});

builder.queryField('warmEstimate', (t) =>
  t.field({
    type: WarmEstimateRef,
    description:
      'What a warm (CACHE_WARM or CACHE_WARM_ALBUMS) would cost, before anything runs: the library’s size from one Plex request, how much is fresh, the requests per provider and the expected duration at the current rate limits. Needs Plex.',
    args: {
      kind: t.arg({ type: JobKindEnum, required: true, description: 'CACHE_WARM or CACHE_WARM_ALBUMS.' }),
      skipCached: t.arg.boolean({
        defaultValue: true,
        description: 'As the warm’s option: false estimates fetching every entity again, fresh ones too.',
      }),
    },
    resolve: async (_root, args, context) => {
      try {
        return await estimateWarm(context.deps, args.kind, { skipCached: args.skipCached ?? true });
      } catch (error) {
        if (error instanceof NotAWarmError)
          throw new InvalidInputError(error.message, [{ field: 'kind', message: error.message }]);
        if (error instanceof JobNotConfiguredError) throw new NotConfiguredError(error.provider, error.message);
        if (isProviderError(error) && error.kind !== 'not-configured')
          throw new ProviderUnavailableError(error.provider, `${error.provider} did not answer: ${error.message}`);
        throw error;
      }
    },
  }),
);
