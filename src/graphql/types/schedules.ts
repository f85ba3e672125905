// The crontab as configured (src/worker/crontab.ts), with when each schedule next fires and its last run.
import { nextCronOccurrence } from '../../jobs/next-cron-occurrence.ts';
import { lastRunPerKind } from '../../jobs/runs/list-runs.ts';
import type { JobRunRecord } from '../../jobs/runs/run-record.ts';
import { viewOfRun } from '../../jobs/run-view.ts';
import type { JobKind } from '../../types.ts';
import { scheduledKinds } from '../../worker/crontab.ts';
import { builder } from '../builder.ts';
import { JobKindEnum } from './enums.ts';
import { JobRunRef } from './job-run.ts';

interface ScheduleShape {
  kind: JobKind;
  cron: string | null;
  nextRunAt: Date | null;
  lastRun: JobRunRecord | undefined;
  followedBy: JobKind | null;
}

/** A scheduled occurrence that succeeds queues its follow-up (tasks/cache-warm.ts: artists, then albums). */
const FOLLOW_UPS: Partial<Record<JobKind, JobKind>> = { 'cache-warm': 'cache-warm-albums' };

const Schedule = builder.objectRef<ScheduleShape>('Schedule').implement({
  description: 'One crontab entry. Times are UTC, as graphile-worker evaluates cron.',
  fields: (t) => ({
    kind: t.field({ type: JobKindEnum, resolve: (schedule) => schedule.kind }),
    task: t.exposeString('kind', { description: 'The graphile-worker task name.' }),
    cron: t.exposeString('cron', {
      nullable: true,
      description: 'The five-field expression; null when the setting is `off`.',
    }),
    enabled: t.boolean({ resolve: (schedule) => schedule.cron !== null }),
    nextRunAt: t.expose('nextRunAt', {
      type: 'DateTime',
      nullable: true,
      description: 'The next occurrence; null when off.',
    }),
    lastRun: t.field({
      type: JobRunRef,
      nullable: true,
      description: 'The newest run of this kind, whatever started it.',
      resolve: (schedule) => (schedule.lastRun ? viewOfRun(schedule.lastRun) : null),
    }),
    followedBy: t.field({
      type: JobKindEnum,
      nullable: true,
      description: 'Queued after a scheduled run of this kind succeeds.',
      resolve: (schedule) => schedule.followedBy,
    }),
  }),
});

builder.queryField('schedules', (t) =>
  t.field({
    type: [Schedule],
    description:
      'Each scheduled task with its cron expression (from the settings of this process), next run time and last run.',
    resolve: async (_root, _args, context) => {
      const lastRuns = new Map((await lastRunPerKind(context.db.pool)).map((run) => [run.kind, run]));
      return scheduledKinds(context.config).map((scheduled) => ({
        kind: scheduled.task,
        cron: scheduled.match,
        nextRunAt: scheduled.match === null ? null : nextCronOccurrence(scheduled.match, context.now),
        lastRun: lastRuns.get(scheduled.task),
        followedBy: FOLLOW_UPS[scheduled.task] ?? null,
      }));
    },
  }),
);
