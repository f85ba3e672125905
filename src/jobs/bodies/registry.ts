// Every job kind (contract names): its options schema, the providers it cannot start without, what
// follows a scheduled run of it, and its function. The one table the API, the CLI and the schedule read.
import type { Config } from '../../config.ts';
import type { JobKind, ProviderName } from '../../types.ts';
import type { JobDefinition } from '../engine/job-definition.ts';
import {
  audioFeaturesOptions,
  refreshOptions,
  remergeOptions,
  trackSyncOptions,
  warmAlbumsOptions,
  warmArtistsOptions,
} from './job-options.ts';
import { refreshExpiring } from './refresh-expiring.ts';
import { remergeCache } from './remerge-cache.ts';
import { syncAudioFeatures } from './sync-audio-features.ts';
import { syncTracks } from './sync-tracks.ts';
import { warmAlbums } from './warm-albums.ts';
import { warmArtists } from './warm-artists.ts';

function definition<Options>(
  kind: JobKind,
  description: string,
  schema: (config: Config) => { parse(input: unknown): Options },
  run: JobDefinition<Options>['run'],
  more: { requires: readonly ProviderName[]; followedBy?: JobKind },
): JobDefinition<Options> {
  return { kind, description, parseOptions: (input, config) => schema(config).parse(input ?? {}), run, ...more };
}

// Providers a job merely consults when present (Last.fm, MusicBrainz, Spotify for a warm) are not required.
export const JOBS = {
  'cache-warm': definition('cache-warm', 'fetch the artists the cache lacks', warmArtistsOptions, warmArtists, {
    requires: ['plex'],
    // The weekly warm goes on to the albums once the artists are done.
    followedBy: 'cache-warm-albums',
  }),
  'cache-warm-albums': definition(
    'cache-warm-albums',
    'fetch the albums the cache lacks',
    warmAlbumsOptions,
    warmAlbums,
    { requires: ['plex'] },
  ),
  'cache-refresh': definition(
    'cache-refresh',
    'refresh entries about to expire, hot first',
    refreshOptions,
    refreshExpiring,
    // Refreshing re-asks the providers of each entry; with none configured it has nothing to ask.
    { requires: [] },
  ),
  'track-stats-refresh': definition(
    'track-stats-refresh',
    'refresh every track’s play statistics from Plex',
    trackSyncOptions,
    (context) => syncTracks(context, 'stats'),
    { requires: ['plex'] },
  ),
  'track-static-refresh': definition(
    'track-static-refresh',
    'refresh every track’s static metadata from Plex',
    trackSyncOptions,
    (context) => syncTracks(context, 'static'),
    { requires: ['plex'] },
  ),
  'audio-features-sync': definition(
    'audio-features-sync',
    'fetch AudioMuse’s audio features',
    audioFeaturesOptions,
    syncAudioFeatures,
    { requires: ['audiomuse'] },
  ),
  'cache-remerge': definition(
    'cache-remerge',
    'recompute every artist and album from stored raw tags under the active genre rules',
    remergeOptions,
    remergeCache,
    // Stored raw tags only: no provider is asked.
    { requires: [] },
  ),
} satisfies Record<JobKind, { kind: JobKind }>;

/** A job definition by kind, with its options type erased (they are parsed at the door). */
export function jobDefinition(kind: JobKind): JobDefinition<unknown> {
  return JOBS[kind] as unknown as JobDefinition<unknown>;
}
