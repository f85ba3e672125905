// JobKind as a GraphQL enum, so clients can autocomplete it. GraphQL enum values cannot contain `-`,
// so each value is the task name in enum style (cache-warm → CACHE_WARM), and carries the task name
// itself as its internal value and in its description. Task names are not accepted as a JobKind:
// GraphQL could only take them through a parse rule the schema does not show, a second spelling
// that generated clients could not type. JobRun.task and Schedule.task answer the task name.
import { JOB_KINDS, type JobKind } from '../../types.ts';
import { builder } from '../builder.ts';

type EnumName<K extends string> = Uppercase<K extends `${infer Head}-${infer Tail}` ? `${Head}_${EnumName<Tail>}` : K>;

const WHAT: Record<JobKind, string> = {
  'cache-warm': 'fetch the library’s artists the cache lacks (weekly, then the albums)',
  'cache-warm-albums': 'fetch the library’s albums the cache lacks',
  'cache-refresh': 're-fetch entries about to expire, hot ones first',
  'track-stats-refresh': 'refresh every track’s play statistics from Plex',
  'track-static-refresh': 'refresh every track’s static metadata from Plex',
  'audio-features-sync': 'fetch AudioMuse’s audio features of the cached tracks',
  'cache-remerge':
    're-merge every artist and album from its stored raw tags under the active genre rules, with no provider request',
};

function jobKindEnumName<K extends JobKind>(kind: K): EnumName<K> {
  return kind.toUpperCase().replace(/-/g, '_') as EnumName<K>;
}

const values = Object.fromEntries(
  JOB_KINDS.map((kind) => [jobKindEnumName(kind), { value: kind, description: `Task \`${kind}\`: ${WHAT[kind]}.` }]),
) as { [K in JobKind as EnumName<K>]: { value: K; description: string } };

export const JobKindEnum = builder.enumType('JobKind', {
  description: `A job kind, in enum style; each value's description names its graphile-worker task (${JOB_KINDS.join(', ')}). Task names themselves are not accepted here: \`JobRun.task\` and \`Schedule.task\` answer them.`,
  values,
});
