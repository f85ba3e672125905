// A live follower of the change feed: every change after a position, read page by page, then each new one
// as it becomes answerable. Notifications (the triggers' NOTIFY entry_changes) say when to read again;
// reads are also repeated on a timer, because a notification can be lost while the LISTEN connection
// reconnects, and because a committed change can wait behind an older open transaction (held back by the
// horizon) without any notification telling when that transaction ends.
import type { ChangePosition } from '../../storage/entry-changes.ts';
import type { ChangePage, EntryChangeView } from './read-change-page.ts';

export interface FollowChangesOptions {
  after: ChangePosition;
  readPage: (after: ChangePosition) => Promise<ChangePage>;
  /** Calls `wake` whenever entries may have changed; returns the unsubscribe function. */
  onSignal: (wake: () => void) => () => void;
  /** Re-read after this long without a signal (default 15 s). */
  recheckMs?: number;
  /** Re-read after this long while changes are held back (default 250 ms). */
  heldBackRetryMs?: number;
}

const DEFAULT_RECHECK_MS = 15_000;
const DEFAULT_HELD_BACK_RETRY_MS = 250;

/**
 * The stream never ends by itself. Its `return` (the subscriber left) ends a pending wait at once, so
 * leaving does not wait for the next timer.
 */
export function followChanges(options: FollowChangesOptions): AsyncIterableIterator<EntryChangeView> {
  const stop = new AbortController();
  const generator = run(options, stop.signal);
  const iterator: AsyncIterableIterator<EntryChangeView> = {
    next: () => generator.next(),
    return: async (value?: unknown) => {
      stop.abort();
      await generator.return(undefined);
      return { done: true, value };
    },
    throw: async (error?: unknown) => {
      stop.abort();
      return await generator.throw(error);
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

async function* run(options: FollowChangesOptions, stopped: AbortSignal): AsyncGenerator<EntryChangeView, void> {
  // Set by a signal that arrives while a page is read, so the next wait does not sleep through it.
  let signalled = false;
  let wake: (() => void) | undefined;
  const unsubscribe = options.onSignal(() => {
    signalled = true;
    wake?.();
  });
  const onStop = () => wake?.();
  stopped.addEventListener('abort', onStop);
  try {
    let after = options.after;
    while (!stopped.aborted) {
      signalled = false;
      const page = await options.readPage(after);
      for (const change of page.changes) {
        if (stopped.aborted) return;
        yield change;
      }
      after = page.end;
      if (page.hasMore || signalled) continue;
      const waitMs = page.heldBack
        ? (options.heldBackRetryMs ?? DEFAULT_HELD_BACK_RETRY_MS)
        : (options.recheckMs ?? DEFAULT_RECHECK_MS);
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          wake = undefined;
          resolve();
        };
        const timer = setTimeout(done, waitMs);
        wake = done;
        if (stopped.aborted || signalled) done();
      });
    }
  } finally {
    stopped.removeEventListener('abort', onStop);
    unsubscribe();
  }
}
