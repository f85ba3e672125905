// Enums in GraphQL's convention (UPPER_CASE), carrying the lowercase values the database and the jobs use.
import { builder } from '../builder.ts';

export const JobStatusEnum = builder.enumType('JobStatus', {
  description: 'Where a run is. QUEUED and RUNNING are active; the other three are final.',
  values: {
    QUEUED: { value: 'queued', description: 'Recorded and waiting for a worker to pick it up.' },
    RUNNING: { value: 'running', description: 'A worker is doing it now.' },
    SUCCEEDED: { value: 'succeeded', description: 'Finished; per-entity failures, if any, are listed in failures.' },
    FAILED: { value: 'failed', description: 'Stopped by an error; error says which.' },
    CANCELLED: { value: 'cancelled', description: 'Stopped on request (cancelJobRun or the CLI) before it finished.' },
  } as const,
});

export const JobTriggerEnum = builder.enumType('JobTrigger', {
  description: 'Which door started a run.',
  values: {
    API: { value: 'api', description: 'A mutation of this API.' },
    SCHEDULE: { value: 'schedule', description: 'The crontab.' },
    CLI: { value: 'cli', description: 'The `linernotes` command, in the foreground.' },
  } as const,
});

export const EntrySourceEnum = builder.enumType('EntrySource', {
  description: 'A contributor to an entry’s genres (the `source` column, split).',
  values: {
    PLEX: { value: 'plex', description: 'The Plex library’s own genre tags.' },
    LASTFM: { value: 'lastfm', description: 'Last.fm’s top tags.' },
    MUSICBRAINZ: { value: 'musicbrainz', description: 'MusicBrainz genres.' },
    SPOTIFY: { value: 'spotify', description: 'Spotify’s artist genres.' },
    ARTIST: { value: 'artist', description: 'Albums only: the artist’s cached genres were the fallback.' },
  } as const,
});

export const EntrySourceFilterEnum = builder.enumType('EntrySourceFilter', {
  description: 'A source to filter entries by: a contributor, or NONE for entries nobody knew.',
  values: {
    PLEX: { value: 'plex', description: 'Entries Plex contributed genres to.' },
    LASTFM: { value: 'lastfm', description: 'Entries Last.fm contributed genres to.' },
    MUSICBRAINZ: { value: 'musicbrainz', description: 'Entries MusicBrainz contributed genres to.' },
    SPOTIFY: { value: 'spotify', description: 'Entries Spotify contributed genres to.' },
    ARTIST: { value: 'artist', description: 'Albums whose genres fell back to their artist’s.' },
    NONE: { value: 'none', description: 'Entries no provider had genres for.' },
  } as const,
});

export const ProviderEnum = builder.enumType('Provider', {
  description: 'A service linernotes asks for metadata.',
  values: {
    PLEX: { value: 'plex', description: 'The Plex Media Server whose music library is cached.' },
    LASTFM: { value: 'lastfm', description: 'Last.fm: top tags, used as genres.' },
    MUSICBRAINZ: { value: 'musicbrainz', description: 'MusicBrainz: identifiers and genres.' },
    SPOTIFY: { value: 'spotify', description: 'Spotify: artist genres.' },
    AUDIOMUSE: { value: 'audiomuse', description: 'AudioMuse-AI: audio features analysed from the audio files.' },
  } as const,
});

export const EntryStatusEnum = builder.enumType('EntryStatus', {
  description: 'How complete an entry is. OK and EMPTY get full lifetimes; PARTIAL and ERROR are retried sooner.',
  values: {
    OK: { value: 'ok', description: 'Every asked provider answered.' },
    EMPTY: { value: 'empty', description: 'Nobody knew it (cached too, with a shorter lifetime).' },
    PARTIAL: { value: 'partial', description: 'Some providers failed; what the others said is kept.' },
    ERROR: { value: 'error', description: 'Every provider failed.' },
  } as const,
});

export const UsageTierEnum = builder.enumType('UsageTier', {
  description:
    'How recently an entry was read: HOT within HOT_TIER_DAYS, WARM within WARM_TIER_DAYS, COLD otherwise or never.',
  values: {
    HOT: { value: 'hot', description: 'Read within the last HOT_TIER_DAYS: refreshed first.' },
    WARM: { value: 'warm', description: 'Read within the last WARM_TIER_DAYS, but not recently enough to be hot.' },
    COLD: { value: 'cold', description: 'Not read within WARM_TIER_DAYS, or never read.' },
  } as const,
});

export const CacheTableEnum = builder.enumType('CacheTable', {
  description: 'A table of cached entries that clearCache can empty.',
  values: {
    ARTISTS: { value: 'artists', description: 'Artist entries.' },
    ALBUMS: { value: 'albums', description: 'Album entries.' },
    TRACKS: { value: 'tracks', description: 'Track entries (their audio features go with them).' },
  } as const,
});
