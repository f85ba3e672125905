// Job runs: the JobRun type, the history queries, and the live event type of subscriptions.
import { GraphQLError } from 'graphql';
import { countRuns } from '../../jobs/runs/count-runs.ts';
import { getRun } from '../../jobs/runs/get-run.ts';
import { listRuns } from '../../jobs/runs/list-runs.ts';
import type { RunEvent } from '../../jobs/run-events.ts';
import { isFinal, type RunView, viewOfRun } from '../../jobs/run-view.ts';
import { redact } from '../../providers/errors.ts';
import { builder } from '../builder.ts';
import { decodeCursor, encodeCursor, isInteger, pageOf, pageSize } from '../pagination.ts';
import { connectionType } from './connection.ts';
import { JobKindEnum, JobStatusEnum, JobTriggerEnum } from './enums.ts';

/** A run id from the API: the decimal id JobRun.id shows. Anything else names no run. */
export function parseRunId(id: string | number): number | null {
  const text = String(id).trim();
  if (!/^\d{1,10}$/.test(text)) return null;
  const value = Number(text);
  return value > 0 && value <= 2_147_483_647 ? value : null;
}

function percent(current: number, total: number): number | null {
  return total > 0 ? Math.min(100, Math.round((current / total) * 1000) / 10) : null;
}

const RunProgress = builder.objectRef<RunView>('JobProgress').implement({
  description: 'How far a run is. Live values (rate, ETA) come from the worker’s events while it runs.',
  fields: (t) => ({
    current: t.exposeInt('progressCurrent', { description: 'Items done (failures included).' }),
    total: t.exposeInt('progressTotal', { description: 'Items to do; 0 while unknown.' }),
    percent: t.float({ nullable: true, resolve: (run) => percent(run.progressCurrent, run.progressTotal) }),
    rate: t.exposeFloat('rate', {
      nullable: true,
      description:
        'Entries fetched (or failed) per second over the last minute; entries answered from the cache do not count (from live events; null otherwise).',
    }),
    etaSeconds: t.exposeInt('etaSeconds', {
      nullable: true,
      description: 'Seconds to go at that rate, for the share of the remaining entries expected to need fetching.',
    }),
  }),
});

const RunFailure = builder.objectRef<{ entity: string; reason: string }>('JobRunFailure').implement({
  fields: (t) => ({
    entity: t.exposeString('entity'),
    reason: t.string({ resolve: (failure) => redact(failure.reason) }),
  }),
});

export const JobRunRef = builder.objectRef<RunView>('JobRun').implement({
  description: 'One run of a job: what the queue, the schedule or the CLI started, and how it went.',
  fields: (t) => ({
    id: t.id({ description: 'The run id (decimal).', resolve: (run) => String(run.id) }),
    kind: t.field({ type: JobKindEnum, resolve: (run) => run.kind }),
    task: t.exposeString('kind', { description: 'The graphile-worker task name, e.g. `cache-warm`.' }),
    status: t.field({ type: JobStatusEnum, resolve: (run) => run.status }),
    trigger: t.field({ type: JobTriggerEnum, resolve: (run) => run.trigger }),
    options: t.field({
      type: 'JSON',
      description: 'The options the run uses, defaults filled in.',
      resolve: (run) => run.options,
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    startedAt: t.expose('startedAt', { type: 'DateTime', nullable: true }),
    finishedAt: t.expose('finishedAt', { type: 'DateTime', nullable: true }),
    isFinal: t.boolean({ description: 'SUCCEEDED, FAILED or CANCELLED.', resolve: (run) => isFinal(run) }),
    progress: t.field({ type: RunProgress, resolve: (run) => run }),
    progressCurrent: t.exposeInt('progressCurrent', { description: 'Same as progress.current.' }),
    progressTotal: t.exposeInt('progressTotal', { description: 'Same as progress.total.' }),
    sourceCounts: t.field({
      type: 'JSON',
      description: 'Items per outcome: plex, lastfm, spotify, cached, failed, …',
      resolve: (run) => run.sourceCounts,
    }),
    message: t.exposeString('message', { nullable: true }),
    error: t.string({
      nullable: true,
      description: 'Why the run failed.',
      resolve: (run) => (run.error === null ? null : redact(run.error)),
    }),
    failures: t.field({
      type: [RunFailure],
      description: 'A sample of the items that failed, with why.',
      resolve: (run) => run.failures,
    }),
    attempt: t.exposeInt('attempt', {
      description: 'graphile-worker attempt (a run that died is retried and resumes).',
    }),
    cancelRequested: t.boolean({ resolve: (run) => run.cancelRequestedAt !== null }),
    cancelRequestedAt: t.expose('cancelRequestedAt', { type: 'DateTime', nullable: true }),
  }),
});

export const JobRunEventRef = builder.objectRef<RunEvent>('JobRunEvent').implement({
  description: 'A change of a run, as the process running it announced it.',
  fields: (t) => ({
    runId: t.id({ resolve: (event) => String(event.runId) }),
    // The same names as on JobRun, so one selection can read both.
    id: t.id({ description: 'The run’s id (as runId).', resolve: (event) => String(event.runId) }),
    kind: t.field({ type: JobKindEnum, resolve: (event) => event.kind }),
    status: t.field({ type: JobStatusEnum, resolve: (event) => event.status }),
    current: t.exposeInt('current'),
    total: t.exposeInt('total'),
    progressCurrent: t.exposeInt('current', { description: 'As current (JobRun’s name).' }),
    progressTotal: t.exposeInt('total', { description: 'As total (JobRun’s name).' }),
    rate: t.exposeFloat('rate', { nullable: true }),
    etaSeconds: t.exposeInt('etaSeconds', { nullable: true }),
    sourceCounts: t.field({ type: 'JSON', resolve: (event) => event.sourceCounts }),
    message: t.exposeString('message', { nullable: true }),
    error: t.string({ nullable: true, resolve: (event) => (event.error === null ? null : redact(event.error)) }),
    final: t.exposeBoolean('final', { description: 'The run’s last event: it carries the final status.' }),
    isFinal: t.exposeBoolean('final', { description: 'As final (JobRun’s name).' }),
    at: t.field({ type: 'DateTime', resolve: (event) => new Date(event.at) }),
  }),
});

const JobRunConnection = connectionType<RunView>('JobRun', JobRunRef, 'A page of runs, newest first.');

builder.queryFields((t) => ({
  jobRun: t.field({
    type: JobRunRef,
    nullable: true,
    description: 'The run with this id; null when there is none.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, context) => {
      const id = parseRunId(args.id);
      const run = id === null ? undefined : await getRun(context.db.pool, id);
      return run ? viewOfRun(run) : null;
    },
  }),
  jobRuns: t.field({
    type: JobRunConnection,
    description: 'Run history, newest first (first: at most 500).',
    args: {
      first: t.arg.int({ description: 'Page size, 1–500 (default 50).' }),
      after: t.arg.string({ description: 'The endCursor of the previous page.' }),
      kind: t.arg({ type: JobKindEnum }),
      status: t.arg({ type: JobStatusEnum }),
    },
    resolve: async (_root, args, context) => {
      const limit = pageSize(args.first);
      const beforeId = decodeCursor('jobRuns', args.after, isInteger);
      const filter = { kind: args.kind ?? undefined, status: args.status ?? undefined };
      const runs = await listRuns(context.db.pool, { ...filter, limit: limit + 1, beforeId: beforeId ?? undefined });
      return pageOf(
        runs.map((run) => viewOfRun(run)),
        limit,
        beforeId !== null,
        (run) => encodeCursor('jobRuns', run.id),
        () => countRuns(context.db.pool, filter),
      );
    },
  }),
}));

export function runNotFound(id: string): GraphQLError {
  return new GraphQLError(`there is no job run ${id}`, { extensions: { code: 'NOT_FOUND', id } });
}
