// The schedule as configured, with when each schedule next fires and its last run (src/jobs/schedule.ts).
import { type ScheduleOverview, scheduleOverview } from '../../jobs/schedule.ts';
import { builder } from '../builder.ts';
import { JobKindEnum } from './job-kind.ts';
import { JobRunRef } from './job-run.ts';

const Schedule = builder.objectRef<ScheduleOverview>('Schedule').implement({
  description: 'One crontab entry. Times are UTC, as graphile-worker evaluates cron.',
  fields: (t) => ({
    kind: t.field({ type: JobKindEnum, description: 'The kind it starts.', resolve: (schedule) => schedule.kind }),
    task: t.exposeString('kind', { description: 'The graphile-worker task name.' }),
    cron: t.exposeString('cron', {
      nullable: true,
      description: 'The five-field expression; null when the setting is `off`.',
    }),
    enabled: t.boolean({
      description: 'False when the setting is `off`.',
      resolve: (schedule) => schedule.cron !== null,
    }),
    nextRunAt: t.expose('nextRunAt', {
      type: 'DateTime',
      nullable: true,
      description: 'The next occurrence; null when off.',
    }),
    lastRun: t.field({
      type: JobRunRef,
      nullable: true,
      description: 'The newest run of this kind, whatever started it.',
      resolve: (schedule) => schedule.lastRun ?? null,
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
    resolve: (_root, _args, context) => scheduleOverview(context.db.prisma, context.config, context.now),
  }),
);
