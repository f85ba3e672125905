// graphile-worker's crontab, built from the schedule's cron settings. Task names are contract.
import { type CronItem, parseCronItems, type ParsedCronItem } from 'graphile-worker';
import type { Config } from '../config.ts';
import { type ScheduledKind, scheduledKinds } from '../jobs/schedule.ts';

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
