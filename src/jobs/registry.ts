// Every job kind (contract names), with its options schema and function: the one table the API,
// the CLI and the worker tasks read.
import type { Config } from '../config.ts';
import type { JobKind } from '../types.ts';
import type { JobDefinition } from './dependencies.ts';
import {
  audioFeaturesOptions,
  refreshOptions,
  trackSyncOptions,
  warmAlbumsOptions,
  warmArtistsOptions,
} from './job-options.ts';
import { refreshExpiring } from './refresh-expiring.ts';
import { syncAudioFeatures } from './sync-audio-features.ts';
import { syncTracks } from './sync-tracks.ts';
import { warmAlbums } from './warm-albums.ts';
import { warmArtists } from './warm-artists.ts';

function definition<Options>(
  kind: JobKind,
  description: string,
  schema: (config: Config) => { parse(input: unknown): Options },
  run: JobDefinition<Options>['run'],
): JobDefinition<Options> {
  return { kind, description, parseOptions: (input, config) => schema(config).parse(input ?? {}), run };
}

export const JOBS = {
  'cache-warm': definition('cache-warm', 'fetch the artists the cache lacks', warmArtistsOptions, warmArtists),
  'cache-warm-albums': definition(
    'cache-warm-albums',
    'fetch the albums the cache lacks',
    warmAlbumsOptions,
    warmAlbums,
  ),
  'cache-refresh': definition(
    'cache-refresh',
    'refresh entries about to expire, hot first',
    refreshOptions,
    refreshExpiring,
  ),
  'track-stats-refresh': definition(
    'track-stats-refresh',
    'refresh every track’s play statistics from Plex',
    trackSyncOptions,
    (context) => syncTracks(context, 'stats'),
  ),
  'track-static-refresh': definition(
    'track-static-refresh',
    'refresh every track’s static metadata from Plex',
    trackSyncOptions,
    (context) => syncTracks(context, 'static'),
  ),
  'audio-features-sync': definition(
    'audio-features-sync',
    'fetch AudioMuse’s audio features',
    audioFeaturesOptions,
    syncAudioFeatures,
  ),
} satisfies Record<JobKind, { kind: JobKind }>;

/** A job definition by kind, with its options type erased (they are parsed at the door). */
export function jobDefinition(kind: JobKind): JobDefinition<unknown> {
  return JOBS[kind] as unknown as JobDefinition<unknown>;
}
