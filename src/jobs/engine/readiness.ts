// Whether a job can start here: its required providers configured and its options valid. Every door
// (API, CLI, schedule) asks this before a run exists, so a refusal records nothing.
import type { Config } from '../../config.ts';
import type { ProviderName } from '../../types.ts';
import type { JobDefinition } from './job-definition.ts';

const VARIABLES: Record<ProviderName, string> = {
  plex: 'PLEX_URL and PLEX_TOKEN',
  lastfm: 'LASTFM_API_KEY',
  musicbrainz: 'MUSICBRAINZ_ENABLED',
  spotify: 'SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET',
  audiomuse: 'AUDIOMUSE_URL',
};

export class JobNotConfiguredError extends Error {
  override name = 'JobNotConfiguredError';
  constructor(
    readonly kind: string,
    readonly provider: ProviderName,
  ) {
    super(`${kind} needs ${provider}, which is not configured (set ${VARIABLES[provider]})`);
  }
}

/** The first provider the job needs that this configuration lacks, as the error a door reports. */
export function missingProvider(
  job: Pick<JobDefinition<unknown>, 'kind' | 'requires'>,
  providers: Config['providers'],
): JobNotConfiguredError | undefined {
  const provider = job.requires.find((name) => providers[name] === undefined);
  return provider === undefined ? undefined : new JobNotConfiguredError(job.kind, provider);
}

/**
 * The options a run of the job starts with. Throws JobNotConfiguredError when a required provider is
 * missing, or the options schema's ZodError on bad input.
 */
export function prepareRun<Options>(job: JobDefinition<Options>, rawOptions: unknown, config: Config): Options {
  const missing = missingProvider(job, config.providers);
  if (missing) throw missing;
  return job.parseOptions(rawOptions, config);
}
