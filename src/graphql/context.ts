import type { SharedCacheStatistics } from '../cache/use-cases/statistics/shared-statistics.ts';
import type { SharedProviderReads } from '../providers/shared-provider-reads.ts';
import type { UsageTracker } from '../cache/use-cases/usage/usage-tracker.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import type { EnrichmentSettings } from '../enrichment/settings.ts';
import type { JobDependencies } from '../jobs/engine/job-definition.ts';
import type { Logger } from '../logger.ts';
import type { RequestAuth } from './auth.ts';
import type { EntryChangeSignal } from './entry-change-signal.ts';
import type { SubscriptionGuard } from './guards.ts';
import type { EntryOverrideReads } from '../cache/use-cases/entry-override-reads.ts';
import type { EntryPointReads } from '../cache/use-cases/entry-point-reads.ts';
import type { RunEventPubSub } from './pubsub.ts';

/** What the process gives the API once: the same for every request. */
export interface GraphQLServices {
  config: Config;
  db: Database;
  logger: Logger;
  /** This process's job dependencies: clock, providers and the entry refresher that lookups fetch through. */
  deps: JobDependencies;
  /** Run events of every process (PostgreSQL LISTEN/NOTIFY behind yoga's pubsub). */
  pubsub: RunEventPubSub;
  /** Records reads of entries (last_used_at, use_count) and counts hits; absent, reads are not recorded. */
  usage?: UsageTracker;
  /** Whether a peer address is this machine: mutations without API_TOKEN are accepted only from it. */
  isLoopback?: (address: string | undefined) => boolean;
  /** How often a progress subscription re-reads its run, in case a notification was lost (default 15 s). */
  progressRecheckMs?: number;
  /** Bounds open subscriptions and their first reads; one per process (made by createGraphQLHandler when absent). */
  subscriptionGuard?: SubscriptionGuard;
  /** Wakes change feed followers when entries change in any process; absent, they re-read on their timer only. */
  entryChanges?: EntryChangeSignal;
  /** How often a change feed follower re-reads without a notification (default 15 s). */
  changeRecheckMs?: number;
}

/**
 * What every resolver receives: the services, plus what belongs to one request (who is asking, and one
 * `now` so every entry in a response is judged against the same instant).
 * Resolvers only translate: the logic they call lives in src/cache and src/jobs.
 */
export interface GraphQLContext extends GraphQLServices {
  auth: RequestAuth;
  subscriptionGuard: SubscriptionGuard;
  now: Date;
  /** The active genre rules version's settings at the request's start: a track without album or artist genres normalises its own tags. */
  genreSettings: EnrichmentSettings;
  /** The cache statistics, one computation shared by concurrent requests (built once per API). */
  statistics: SharedCacheStatistics;
  /** Provider health, one read shared by the requests of a second (built once per API). */
  providerReads: SharedProviderReads;
  /** Single-entry reads, batched across the requests in flight (built once per API). */
  pointReads: EntryPointReads;
  /** The pins and blocks of the entries this request explains, batched (built per request). */
  overrideReads: EntryOverrideReads;
}
