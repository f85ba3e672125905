// The schedule (weekly warm, hourly refresh, daily track statistics, weekly track static refresh, daily
// audio features), built from the cron settings. Task names are contract.
import { type CronItem, parseCronItems, type ParsedCronItem } from 'graphile-worker';
import type { Config } from '../config.ts';
import type { JobKind } from '../types.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

interface ScheduledKind {
  task: JobKind;
  match: string | null;
  /** How far back a worker that was off looks for a missed run when it starts. */
  backfillPeriod: number;
}

export function scheduledKinds(config: Config): ScheduledKind[] {
  return [
    { task: 'cache-warm', match: config.cron.cacheWarm, backfillPeriod: 7 * DAY },
    { task: 'cache-refresh', match: config.cron.cacheRefresh, backfillPeriod: HOUR },
    { task: 'track-stats-refresh', match: config.cron.trackStatsRefresh, backfillPeriod: DAY },
    { task: 'track-static-refresh', match: config.cron.trackStaticRefresh, backfillPeriod: 7 * DAY },
    { task: 'audio-features-sync', match: config.cron.audioFeaturesSync, backfillPeriod: DAY },
  ];
}

/**
 * Cron items for graphile-worker. A kind whose setting is "off", or whose task this process does not
 * have, is left out. Every occurrence carries `trigger: 'schedule'` so the run is recorded as such.
 */
export function buildCronItems(config: Config, availableTasks: ReadonlySet<string>): ParsedCronItem[] {
  const items: CronItem[] = scheduledKinds(config)
    .filter((kind): kind is ScheduledKind & { match: string } => kind.match !== null && availableTasks.has(kind.task))
    .map((kind) => ({
      task: kind.task,
      identifier: kind.task,
      match: kind.match,
      options: { backfillPeriod: kind.backfillPeriod, maxAttempts: 5 },
      payload: { trigger: 'schedule' },
    }));
  return parseCronItems(items);
}
