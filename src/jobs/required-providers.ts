// What each job kind cannot start without, so the API can refuse a run up front ("Plex is not
// configured") instead of queueing one that fails at once. Providers a job merely consults when
// present (Last.fm, MusicBrainz, Spotify for a warm) are not required.
import type { Config } from '../config.ts';
import type { JobKind, ProviderName } from '../types.ts';

const REQUIRED: Record<JobKind, readonly ProviderName[]> = {
  'cache-warm': ['plex'],
  'cache-warm-albums': ['plex'],
  // Refreshing re-asks the providers of each entry; with none configured it has nothing to ask.
  'cache-refresh': [],
  'track-stats-refresh': ['plex'],
  'track-static-refresh': ['plex'],
  'audio-features-sync': ['audiomuse'],
};

const VARIABLES: Record<ProviderName, string> = {
  plex: 'PLEX_URL and PLEX_TOKEN',
  lastfm: 'LASTFM_API_KEY',
  musicbrainz: 'MUSICBRAINZ_ENABLED',
  spotify: 'SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET',
  audiomuse: 'AUDIOMUSE_URL',
};

export interface MissingProvider {
  provider: ProviderName;
  message: string;
}

/** The first provider the kind needs that this configuration lacks, or undefined. */
export function missingProviderFor(kind: JobKind, providers: Config['providers']): MissingProvider | undefined {
  for (const provider of REQUIRED[kind]) {
    if (providers[provider] === undefined) {
      return { provider, message: `${kind} needs ${provider}, which is not configured (set ${VARIABLES[provider]})` };
    }
  }
  return undefined;
}
