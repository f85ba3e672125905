// Job runs: the JobRun type, the history queries, and the live event type of subscriptions.
import { GraphQLError } from 'graphql';
import { countRuns, type RunFilter, runWhere } from '../../jobs/engine/runs/list-runs.ts';
import {
  type JobRunRecord,
  runFailures,
  runKind,
  runOptions,
  runSourceCounts,
} from '../../jobs/engine/runs/run-fields.ts';
import type { RunEvent } from '../../jobs/engine/run-events.ts';
import { isFinal, type RunView, viewOfRun } from '../../jobs/engine/run-view.ts';
import { redact } from '../../providers/errors.ts';
import { builder } from '../builder.ts';
import { checkIntCursorKey, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, pageSize } from '../pagination.ts';
import type { JobKind, JobStatus } from '../../types.ts';
import { parseRunId } from '../../jobs/engine/runs/run-id.ts';
import { JobStatusEnum, JobTriggerEnum } from './enums.ts';
import { JobKindEnum } from './job-kind.ts';

function percent(current: number, total: number): number | null {
  return total > 0 ? Math.min(100, Math.round((current / total) * 1000) / 10) : null;
}

const RunProgress = builder.objectRef<RunView>('JobProgress').implement({
  description: 'How far a run is. Live values (rate, ETA) come from the worker’s events while it runs.',
  fields: (t) => ({
    current: t.exposeInt('progressCurrent', { description: 'Items done (failures included).' }),
    total: t.exposeInt('progressTotal', { description: 'Items to do; 0 while unknown.' }),
    percent: t.float({
      nullable: true,
      description: 'current of total, in percent; null while the total is unknown.',
      resolve: (run) => percent(run.progressCurrent, run.progressTotal),
    }),
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
  description: 'One item a run could not do, and why.',
  fields: (t) => ({
    entity: t.exposeString('entity', { description: 'The item that failed, e.g. an artist name.' }),
    reason: t.string({ description: 'Why it failed.', resolve: (failure) => redact(failure.reason) }),
  }),
});

/** A run from the database has no live values; one from a subscription or an event carries them. */
function liveView(run: JobRunRecord): RunView {
  return 'rate' in run && 'etaSeconds' in run ? (run as RunView) : viewOfRun(run);
}

export const JobRunRef = builder.prismaObject('JobRun', {
  description: 'One run of a job: what the queue, the schedule or the CLI started, and how it went.',
  fields: (t) => ({
    id: t.id({ description: 'The run id (decimal).', resolve: (run) => String(run.id) }),
    kind: t.field({ type: JobKindEnum, description: 'What the run does.', resolve: (run) => runKind(run) }),
    task: t.exposeString('kind', { description: 'The graphile-worker task name, e.g. `cache-warm`.' }),
    status: t.field({ type: JobStatusEnum, description: 'Where the run is.', resolve: (run) => run.status }),
    trigger: t.field({ type: JobTriggerEnum, description: 'What started it.', resolve: (run) => run.trigger }),
    options: t.field({
      type: 'JSON',
      description: 'The options the run uses, defaults filled in.',
      resolve: (run) => runOptions(run),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was started or queued.' }),
    startedAt: t.expose('startedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When a process first began it; null while queued.',
    }),
    finishedAt: t.expose('finishedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When it reached its final status; null while active.',
    }),
    isFinal: t.boolean({ description: 'SUCCEEDED, FAILED or CANCELLED.', resolve: (run) => isFinal(run) }),
    progress: t.field({ type: RunProgress, description: 'How far it is.', resolve: (run) => liveView(run) }),
    progressCurrent: t.exposeInt('progressCurrent', { description: 'Same as progress.current.' }),
    progressTotal: t.exposeInt('progressTotal', { description: 'Same as progress.total.' }),
    sourceCounts: t.field({
      type: 'JSON',
      description: 'Items per outcome: plex, lastfm, spotify, cached, failed, …',
      resolve: (run) => runSourceCounts(run),
    }),
    message: t.exposeString('message', { nullable: true, description: 'What the run last said about itself.' }),
    error: t.string({
      nullable: true,
      description: 'Why the run failed.',
      resolve: (run) => (run.error === null ? null : redact(run.error)),
    }),
    failures: t.field({
      type: [RunFailure],
      description: 'A sample of the items that failed, with why.',
      resolve: (run) => runFailures(run),
    }),
    attempt: t.exposeInt('attempt', {
      description: 'graphile-worker attempt (a run that died is retried and resumes).',
    }),
    cancelRequested: t.boolean({
      description: 'A cancel was asked for; the process holding the run stops at its next check point.',
      resolve: (run) => run.cancelRequestedAt !== null,
    }),
    cancelRequestedAt: t.expose('cancelRequestedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When the cancel was asked for.',
    }),
  }),
});

export const JobRunEventRef = builder.objectRef<RunEvent>('JobRunEvent').implement({
  description: 'A change of a run, as the process running it announced it.',
  fields: (t) => ({
    runId: t.id({ description: 'The run this event is about.', resolve: (event) => String(event.runId) }),
    // The same names as on JobRun, so one selection can read both.
    id: t.id({ description: 'The run’s id (as runId).', resolve: (event) => String(event.runId) }),
    kind: t.field({ type: JobKindEnum, description: 'What the run does.', resolve: (event) => event.kind }),
    status: t.field({ type: JobStatusEnum, description: 'Where the run is now.', resolve: (event) => event.status }),
    current: t.exposeInt('current', { description: 'Items done (failures included).' }),
    total: t.exposeInt('total', { description: 'Items to do; 0 while unknown.' }),
    progressCurrent: t.exposeInt('current', { description: 'As current (JobRun’s name).' }),
    progressTotal: t.exposeInt('total', { description: 'As total (JobRun’s name).' }),
    rate: t.exposeFloat('rate', {
      nullable: true,
      description: 'Entries fetched (or failed) per second over the last minute.',
    }),
    etaSeconds: t.exposeInt('etaSeconds', { nullable: true, description: 'Seconds to go at that rate.' }),
    sourceCounts: t.field({
      type: 'JSON',
      description: 'Items per outcome so far.',
      resolve: (event) => event.sourceCounts,
    }),
    message: t.exposeString('message', { nullable: true, description: 'What the run last said about itself.' }),
    error: t.string({
      nullable: true,
      description: 'Why the run failed (final events only).',
      resolve: (event) => (event.error === null ? null : redact(event.error)),
    }),
    final: t.exposeBoolean('final', { description: 'The run’s last event: it carries the final status.' }),
    isFinal: t.exposeBoolean('final', { description: 'As final (JobRun’s name).' }),
    at: t.field({
      type: 'DateTime',
      description: 'When the process announced it.',
      resolve: (event) => new Date(event.at),
    }),
  }),
});

function runFilter(args: { kind?: JobKind | null; status?: JobStatus | null }): RunFilter {
  return { kind: args.kind ?? undefined, status: args.status ?? undefined };
}

builder.queryFields((t) => ({
  jobRun: t.prismaField({
    type: 'JobRun',
    nullable: true,
    description: 'The run with this id; null when there is none.',
    args: { id: t.arg.id({ required: true, description: 'The run id, as JobRun.id shows it.' }) },
    resolve: async (query, _root, args, context) => {
      const id = parseRunId(args.id);
      return id === null ? null : await context.db.prisma.jobRun.findUnique({ ...query, where: { id } });
    },
  }),
  jobRuns: t.prismaConnection(
    {
      type: 'JobRun',
      cursor: 'id',
      defaultSize: DEFAULT_PAGE_SIZE,
      maxSize: MAX_PAGE_SIZE,
      description: `Run history, newest first (first: at most ${MAX_PAGE_SIZE}, default ${DEFAULT_PAGE_SIZE}).`,
      args: {
        kind: t.arg({ type: JobKindEnum, description: 'Only runs of this kind.' }),
        status: t.arg({ type: JobStatusEnum, description: 'Only runs in this status.' }),
      },
      resolve: (query, _root, args, context) => {
        // Pothos clamps `first` to maxSize; out of 1..500 is an error here, not a silently shorter page.
        pageSize(args.first);
        checkIntCursorKey(query.cursor);
        return context.db.prisma.jobRun.findMany({
          ...query,
          where: runWhere(runFilter(args)),
          orderBy: { id: 'desc' },
        });
      },
    },
    {
      name: 'JobRunConnection',
      description: 'A page of runs, newest first.',
      fields: (connection) => ({
        totalCount: connection.int({
          description: 'Runs matching the filter, on every page together.',
          resolve: (page, _args, context) => countRuns(context.db.prisma, runFilter(page.args)),
        }),
        nodes: connection.field({
          type: [JobRunRef],
          description: 'The runs of this page, without cursors.',
          resolve: (page) => page.edges.flatMap((edge) => (edge ? [edge.node] : [])),
        }),
      }),
    },
    { name: 'JobRunEdge', description: 'One run of a page, with the cursor to page on from it.' },
  ),
}));

export function runNotFound(id: string): GraphQLError {
  return new GraphQLError(`there is no job run ${id}`, { extensions: { code: 'NOT_FOUND', id } });
}
