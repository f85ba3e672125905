// The schedule: which kind runs on which cron setting (weekly warm, hourly refresh, daily track
// statistics, weekly track static refresh, daily audio features), and its overview as the API shows it.
import type { Config } from '../config.ts';
import type { JobKind } from '../types.ts';
import { JOBS } from './bodies/registry.ts';
import { nextCronOccurrence } from './engine/next-cron-occurrence.ts';
import type { RunClient } from './engine/runs/run-client.ts';
import type { JobRunRecord } from './engine/runs/run-fields.ts';
import { lastRunPerKind } from './engine/runs/list-runs.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface ScheduledKind {
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

export interface ScheduleOverview {
  kind: JobKind;
  cron: string | null;
  nextRunAt: Date | null;
  lastRun: JobRunRecord | undefined;
  followedBy: JobKind | null;
}

/** Each schedule with when it next fires (UTC, as graphile-worker evaluates cron), its last run and its follow-up. */
export async function scheduleOverview(prisma: RunClient, config: Config, now: Date): Promise<ScheduleOverview[]> {
  const lastRuns = new Map((await lastRunPerKind(prisma)).map((run) => [run.kind, run]));
  return scheduledKinds(config).map((scheduled) => ({
    kind: scheduled.task,
    cron: scheduled.match,
    nextRunAt: scheduled.match === null ? null : nextCronOccurrence(scheduled.match, now),
    lastRun: lastRuns.get(scheduled.task),
    followedBy: JOBS[scheduled.task].followedBy ?? null,
  }));
}
