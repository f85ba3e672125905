// Enums in GraphQL's convention (UPPER_CASE), carrying the lowercase values the database and the jobs use.
import { GraphQLError, Kind } from 'graphql';
import { JOB_KINDS, type JobKind } from '../../types.ts';
import { builder } from '../builder.ts';

const JOB_KIND_BY_NAME = new Map<string, JobKind>(
  JOB_KINDS.flatMap(
    (kind) =>
      [
        [kind, kind],
        [kind.toUpperCase().replace(/-/g, '_'), kind],
      ] as Array<[string, JobKind]>,
  ),
);

function parseJobKind(value: unknown): JobKind {
  const kind = typeof value === 'string' ? JOB_KIND_BY_NAME.get(value) : undefined;
  if (!kind) throw new GraphQLError(`JobKind must be one of ${JOB_KINDS.join(', ')} (got ${JSON.stringify(value)})`);
  return kind;
}

// A scalar rather than an enum: task names (contract) contain dashes, which GraphQL enum values cannot.
// It accepts the task name as a string ("cache-warm") or in enum style (CACHE_WARM, as a literal or a
// string), and always answers the task name.
export const JobKindEnum = builder.scalarType('JobKind', {
  description: `A job kind, as its task name: ${JOB_KINDS.join(', ')}. Also accepted in enum style (CACHE_WARM, "CACHE_WARM").`,
  serialize: (value) => parseJobKind(value),
  parseValue: (value) => parseJobKind(value),
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING && ast.kind !== Kind.ENUM)
      throw new GraphQLError('JobKind must be a task name such as "cache-warm"');
    return parseJobKind(ast.value);
  },
});

export const JobStatusEnum = builder.enumType('JobStatus', {
  description: 'Where a run is. QUEUED and RUNNING are active; the other three are final.',
  values: {
    QUEUED: { value: 'queued' },
    RUNNING: { value: 'running' },
    SUCCEEDED: { value: 'succeeded' },
    FAILED: { value: 'failed' },
    CANCELLED: { value: 'cancelled' },
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
    PLEX: { value: 'plex' },
    LASTFM: { value: 'lastfm' },
    MUSICBRAINZ: { value: 'musicbrainz' },
    SPOTIFY: { value: 'spotify' },
    ARTIST: { value: 'artist', description: 'Albums only: the artist’s cached genres were the fallback.' },
  } as const,
});

export const EntrySourceFilterEnum = builder.enumType('EntrySourceFilter', {
  description: 'A source to filter entries by: a contributor, or NONE for entries nobody knew.',
  values: {
    PLEX: { value: 'plex' },
    LASTFM: { value: 'lastfm' },
    MUSICBRAINZ: { value: 'musicbrainz' },
    SPOTIFY: { value: 'spotify' },
    ARTIST: { value: 'artist' },
    NONE: { value: 'none' },
  } as const,
});

export const ProviderEnum = builder.enumType('Provider', {
  values: {
    PLEX: { value: 'plex' },
    LASTFM: { value: 'lastfm' },
    MUSICBRAINZ: { value: 'musicbrainz' },
    SPOTIFY: { value: 'spotify' },
    AUDIOMUSE: { value: 'audiomuse' },
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
    HOT: { value: 'hot' },
    WARM: { value: 'warm' },
    COLD: { value: 'cold' },
  } as const,
});

export const CacheTableEnum = builder.enumType('CacheTable', {
  values: {
    ARTISTS: { value: 'artists' },
    ALBUMS: { value: 'albums' },
    TRACKS: { value: 'tracks', description: 'Track entries (their audio features go with them).' },
  } as const,
});
