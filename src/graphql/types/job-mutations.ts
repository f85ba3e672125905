// Mutations that start jobs, and cancelJobRun. Each returns the JobRun (the one already active when
// that kind is queued or running); a refusal is a GraphQL error with extensions.code NOT_ALLOWED,
// INVALID_INPUT, NOT_CONFIGURED (or NOT_FOUND for cancelJobRun). Every input field is optional, and so
// is `input`: `warmArtistCache` and `warmArtistCache(input: {})` start a default warm.
import { cancelRun } from '../../jobs/engine/runs/cancel-run.ts';
import { CONCURRENCY_BOUNDS, LIMIT_BOUNDS } from '../../jobs/bodies/job-options.ts';
import { builder } from '../builder.ts';
import { NotFoundError } from '../errors.ts';
import { assertCanMutate } from '../guards.ts';
import { givenFields, startRunFromApi } from '../start-run.ts';
import { parseRunId } from '../../jobs/engine/runs/run-id.ts';
import { JobRunRef } from './job-run.ts';

const CONCURRENCY = `${CONCURRENCY_BOUNDS.min}–${CONCURRENCY_BOUNDS.max}`;
const LIMIT = `${LIMIT_BOUNDS.min}–${LIMIT_BOUNDS.max.toLocaleString('en')}`;

const WarmArtistCacheInput = builder.inputType('WarmArtistCacheInput', {
  description: 'Options of warmArtistCache (cache-warm).',
  fields: (t) => ({
    skipCached: t.boolean({ defaultValue: true, description: 'Skip artists with a fresh entry (default true).' }),
    concurrency: t.int({
      description: `Artists in flight at most, ${CONCURRENCY} (default CACHE_WARM_CONCURRENCY, 8); fewer when the providers' rates need fewer.`,
    }),
    dryRun: t.boolean({
      defaultValue: false,
      description: 'Count what would be fetched; write nothing (default false).',
    }),
  }),
});

const WarmAlbumCacheInput = builder.inputType('WarmAlbumCacheInput', {
  description: 'Options of warmAlbumCache (cache-warm-albums).',
  fields: (t) => ({
    skipCached: t.boolean({ defaultValue: true, description: 'Skip albums with a fresh entry (default true).' }),
    concurrency: t.int({ description: `Albums in flight, ${CONCURRENCY} (default ALBUM_WARM_CONCURRENCY, 3).` }),
    dryRun: t.boolean({
      defaultValue: false,
      description: 'Count what would be fetched; write nothing (default false).',
    }),
  }),
});

const RefreshExpiringCacheInput = builder.inputType('RefreshExpiringCacheInput', {
  description: 'Options of refreshExpiringCache (cache-refresh).',
  fields: (t) => ({
    limit: t.int({
      description: `At most this many entries, ${LIMIT} (default: what the planner picks, at least HOURLY_REFRESH_LIMIT).`,
    }),
    lookaheadDays: t.int({
      description: 'Entries expiring within this many days, 0–365 (default REFRESH_LOOKAHEAD_DAYS, 7).',
    }),
    concurrency: t.int({ description: `Entries in flight, ${CONCURRENCY} (default CACHE_WARM_CONCURRENCY, 8).` }),
  }),
});

const RefreshTrackStatsInput = builder.inputType('RefreshTrackStatsInput', {
  description: 'Options of refreshTrackStats (track-stats-refresh or track-static-refresh).',
  fields: (t) => ({
    static: t.boolean({
      defaultValue: false,
      description:
        'false (default): play statistics (track-stats-refresh); true: static metadata (track-static-refresh).',
    }),
  }),
});

const SyncAudioFeaturesInput = builder.inputType('SyncAudioFeaturesInput', {
  description: 'Options of syncAudioFeatures (audio-features-sync).',
  fields: (t) => ({
    limit: t.int({ description: `At most this many tracks, ${LIMIT} (default: all that need it).` }),
    concurrency: t.int({ description: `Requests in flight, ${CONCURRENCY} (default AUDIOMUSE_CONCURRENCY, 4).` }),
  }),
});

builder.mutationFields((t) => ({
  warmArtistCache: t.field({
    type: JobRunRef,
    description: 'Queues cache-warm: fetch the library’s artists the cache lacks. Needs Plex.',
    args: {
      input: t.arg({ type: WarmArtistCacheInput, description: 'Options; every field left out takes its default.' }),
    },
    resolve: (_root, args, context) => startRunFromApi(context, 'cache-warm', givenFields(args.input)),
  }),
  warmAlbumCache: t.field({
    type: JobRunRef,
    description: 'Queues cache-warm-albums: fetch the library’s albums the cache lacks. Needs Plex.',
    args: {
      input: t.arg({ type: WarmAlbumCacheInput, description: 'Options; every field left out takes its default.' }),
    },
    resolve: (_root, args, context) => startRunFromApi(context, 'cache-warm-albums', givenFields(args.input)),
  }),
  refreshExpiringCache: t.field({
    type: JobRunRef,
    description: 'Queues cache-refresh: re-fetch entries about to expire (or expired), hot ones first.',
    args: {
      input: t.arg({
        type: RefreshExpiringCacheInput,
        description: 'Options; every field left out takes its default.',
      }),
    },
    resolve: (_root, args, context) => startRunFromApi(context, 'cache-refresh', givenFields(args.input)),
  }),
  refreshTrackStats: t.field({
    type: JobRunRef,
    description:
      'Queues track-stats-refresh (or, with static: true, track-static-refresh) over every Plex track. Needs Plex.',
    args: {
      input: t.arg({ type: RefreshTrackStatsInput, description: 'Options; every field left out takes its default.' }),
    },
    resolve: (_root, args, context) => {
      const { static: staticTier, ...options } = givenFields(args.input);
      return startRunFromApi(context, staticTier === true ? 'track-static-refresh' : 'track-stats-refresh', options);
    },
  }),
  syncAudioFeatures: t.field({
    type: JobRunRef,
    description: 'Queues audio-features-sync: AudioMuse’s analysis of the cached tracks. Needs AudioMuse.',
    args: {
      input: t.arg({ type: SyncAudioFeaturesInput, description: 'Options; every field left out takes its default.' }),
    },
    resolve: (_root, args, context) => startRunFromApi(context, 'audio-features-sync', givenFields(args.input)),
  }),
  cancelJobRun: t.field({
    type: JobRunRef,
    description:
      'Cancels a run. A queued run is cancelled at once; a running one stops at its next check point, in whichever process holds it (cancelRequested is true until then). A finished run is returned unchanged.',
    args: { id: t.arg.id({ required: true, description: 'The run id, as JobRun.id shows it.' }) },
    resolve: async (_root, args, context) => {
      assertCanMutate(context);
      const id = parseRunId(args.id);
      const result = id === null ? ({ outcome: 'not-found' } as const) : await cancelRun(context.deps, id);
      if (result.outcome === 'not-found')
        throw new NotFoundError(String(args.id), `there is no job run ${String(args.id)}`);
      return result.run;
    },
  }),
}));
