// What a job is to the engine: its definition, what it receives, what it returns.
import type pg from 'pg';
import type { ActiveGenreRules } from '../../cache/use-cases/active-genre-rules.ts';
import type { EntryRefresher } from '../../cache/use-cases/entry-refresher.ts';
import type { Config } from '../../config.ts';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import type { Logger } from '../../logger.ts';
import type { Providers } from '../../providers/create-providers.ts';
import type { Clock, JobKind, ProviderName } from '../../types.ts';
import type { ProgressReporter } from './progress.ts';
import type { ListingPosition } from './resume-point.ts';
import type { WarmEstimate } from '../estimate/warm-estimate.ts';

/** What every job receives besides its options. */
export interface JobDependencies {
  config: Config;
  /** Run history and state changes, and the entries the jobs read. */
  prisma: PrismaClient;
  /** The same database for the bulk SQL, LISTEN/NOTIFY and graphile-worker's functions. */
  pool: pg.Pool;
  logger: Logger;
  clock: Clock;
  providers: Providers;
  /** Fetch-and-store of one entry, shared with the API's lookups in this process (single-flight). */
  refresher: EntryRefresher;
  /** The active genre rules version, followed across processes; what every merge and remerge reads. */
  genreRules: ActiveGenreRules;
  /** This process's id among the live processes (worker_processes.id): the owner of the runs it executes. */
  processId: string;
}

export interface JobContext {
  deps: JobDependencies;
  progress: ProgressReporter;
  /** Aborted on cancel and on worker shutdown; jobs call `checkpoint(signal)` between units of work. */
  signal: AbortSignal;
  logger: Logger;
  /**
   * In a resumed attempt of a job that keeps a resume point: where the last attempt stopped. The
   * progress already holds the counts written with it.
   */
  resumeFrom?: ListingPosition;
}

export interface JobResult {
  /** Shown with the run, e.g. "AudioMuse is not configured (AUDIOMUSE_URL unset); nothing to do". */
  message?: string;
  /** A warm's dry run: the requests it would send and how long they would take (its message summarises it). */
  estimate?: WarmEstimate;
}

export interface JobDefinition<Options> {
  kind: JobKind;
  description: string;
  /** Providers it cannot start without: every door refuses the kind while one is not configured. */
  requires: readonly ProviderName[];
  /** A kind queued after a scheduled run of this one succeeds (the weekly warm: artists, then albums). */
  followedBy?: JobKind;
  /** Fills in defaults and validates bounds; throws a zod error on bad input. */
  parseOptions(input: unknown, config: Config): Options;
  run(context: JobContext, options: Options): Promise<JobResult>;
}
