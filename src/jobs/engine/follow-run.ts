// One run's progress as a stream (the API's jobRunProgress): its current state first, then every
// change, ending after its final state. Events come from any process through LISTEN/NOTIFY; the run
// is re-read now and then as well, so a notification lost while the LISTEN connection reconnected
// cannot leave a subscriber waiting forever.
import type { RunEvent } from './run-events.ts';
import { applyRunEvent, isFinal, isOutdatedEvent, type RunView, viewOfRun } from './run-view.ts';
import type { JobRunRecord } from './runs/run-fields.ts';

export class RunNotFoundError extends Error {
  override name = 'RunNotFoundError';
  constructor(readonly runId: number) {
    super(`there is no job run ${runId}`);
  }
}

export interface FollowRunOptions {
  runId: number;
  /** Starts listening for the run's events. Called before the run is read, so nothing falls in between. */
  listen: () => AsyncIterator<RunEvent>;
  load: (runId: number) => Promise<JobRunRecord | undefined>;
  /** How often the run is re-read without an event. */
  recheckIntervalMs: number;
}

type Next = { kind: 'event'; result: IteratorResult<RunEvent> } | { kind: 'recheck' };

function changed(view: RunView, run: JobRunRecord): boolean {
  return (
    view.status !== run.status ||
    view.progressCurrent !== run.progressCurrent ||
    view.progressTotal !== run.progressTotal
  );
}

export async function* followRun(options: FollowRunOptions): AsyncGenerator<RunView, void, undefined> {
  const events = options.listen();
  // The first next() starts the subscription (a repeater runs its setup on first pull); events that
  // arrive while the run is read wait in it.
  let pending = events.next().then((result): Next => ({ kind: 'event', result }));
  let timer: NodeJS.Timeout | undefined;
  try {
    const first = await options.load(options.runId);
    if (!first) throw new RunNotFoundError(options.runId);
    let view = viewOfRun(first);
    yield view;
    while (!isFinal(view)) {
      const recheck = new Promise<Next>((resolve) => {
        timer = setTimeout(() => resolve({ kind: 'recheck' }), options.recheckIntervalMs);
      });
      const next = await Promise.race([pending, recheck]);
      clearTimeout(timer);
      if (next.kind === 'recheck') {
        const run = await options.load(options.runId);
        if (!run) return;
        if (changed(view, run)) {
          view = viewOfRun(run, { rate: view.rate, etaSeconds: isFinal(run) ? null : view.etaSeconds });
          yield view;
        }
        continue;
      }
      if (next.result.done) return;
      pending = events.next().then((result): Next => ({ kind: 'event', result }));
      const event = next.result.value;
      if (isOutdatedEvent(view, event)) continue;
      if (event.final) {
        // The row has what the event leaves out (finished_at, failures); the event has the last rate.
        const run = await options.load(options.runId);
        view = run ? viewOfRun(run, { rate: event.rate ?? view.rate, etaSeconds: null }) : applyRunEvent(view, event);
      } else {
        view = applyRunEvent(view, event);
      }
      yield view;
    }
  } finally {
    clearTimeout(timer);
    await events.return?.();
  }
}
