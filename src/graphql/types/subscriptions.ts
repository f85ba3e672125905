// Live runs, over graphql-ws and SSE alike. Events come from whichever process runs the job, through
// PostgreSQL LISTEN/NOTIFY behind yoga's pubsub (src/graphql/pubsub.ts).
import { filter, pipe } from 'graphql-yoga';
import { followRun, RunNotFoundError } from '../../jobs/engine/follow-run.ts';
import type { RunEvent } from '../../jobs/engine/run-events.ts';
import type { RunView } from '../../jobs/engine/run-view.ts';
import { getRun } from '../../jobs/engine/runs/get-run.ts';
import { builder } from '../builder.ts';
import type { GraphQLContext } from '../context.ts';
import { JobKindEnum } from './job-kind.ts';
import { parseRunId } from '../../jobs/engine/runs/run-id.ts';
import { JobRunEventRef, JobRunRef, runNotFound } from './job-run.ts';

const DEFAULT_RECHECK_MS = 15_000;

async function* progressOf(context: GraphQLContext, id: string): AsyncGenerator<RunView, void, undefined> {
  const runId = parseRunId(id);
  if (runId === null) throw runNotFound(id);
  try {
    yield* followRun({
      runId,
      listen: () => context.pubsub.subscribe('run-event', runId)[Symbol.asyncIterator](),
      // The first read waits its turn among subscriptions starting at once; re-reads are rare and go straight.
      load: (() => {
        let first = true;
        return (runIdToLoad: number) => {
          if (!first) return getRun(context.db.prisma, runIdToLoad);
          first = false;
          return context.subscriptionGuard.firstRead(() => getRun(context.db.prisma, runIdToLoad));
        };
      })(),
      recheckIntervalMs: context.progressRecheckMs ?? DEFAULT_RECHECK_MS,
    });
  } catch (error) {
    if (error instanceof RunNotFoundError) throw runNotFound(id);
    throw error;
  }
}

builder.subscriptionFields((t) => ({
  jobRunProgress: t.field({
    type: JobRunRef,
    description:
      'One run: its current state first, then every change, completing after its final state (SUCCEEDED, FAILED or CANCELLED). An unknown id is an error with code NOT_FOUND.',
    args: { id: t.arg.id({ required: true, description: 'The run’s id, as JobRun.id answers it.' }) },
    subscribe: (_root, args, context) => context.subscriptionGuard.hold(progressOf(context, String(args.id))),
    resolve: (run) => run,
  }),
  jobRunEvents: t.field({
    type: JobRunEventRef,
    description: 'Every change of every run (optionally of one kind), as it happens; never completes.',
    args: { kind: t.arg({ type: JobKindEnum, description: 'Only runs of this kind; every kind when absent.' }) },
    subscribe: (_root, args, context) => {
      const kind = args.kind;
      const events = context.pubsub.subscribe('run-events');
      return context.subscriptionGuard.hold(
        kind === null || kind === undefined
          ? events
          : pipe(
              events,
              filter((event: RunEvent) => event.kind === kind),
            ),
      );
    },
    resolve: (event) => event,
  }),
}));
