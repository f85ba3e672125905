// yoga's pubsub on PostgreSQL LISTEN/NOTIFY: a run's events reach the subscribers of every API process,
// whichever process runs it. Workers publish with NOTIFY (src/jobs/engine/run-events.ts); each API process
// LISTENs on one shared connection and hands every event to its local subscribers, under two topics:
// `run-events` (every run) and `run-event:<id>` (one run).
import { createPubSub, type PubSub } from 'graphql-yoga';
import type { Queryable } from '../db/queryable.ts';
import type { NotificationListener } from '../db/notification-listener.ts';
import { publishRunEvent, RUN_EVENTS_CHANNEL, type RunEvent } from '../jobs/engine/run-events.ts';
import type { Logger } from '../logger.ts';
import { JOB_KINDS } from '../types.ts';

export type RunEventTopics = {
  'run-events': [RunEvent];
  'run-event': [runId: number, event: RunEvent];
};

export type RunEventPubSub = PubSub<RunEventTopics>;

/**
 * The event target under yoga's pubsub. Publishing sends a NOTIFY (so every process sees it, this one
 * included, once); notifications are dispatched to this process's listeners.
 */
class PostgresRunEventTarget extends EventTarget {
  constructor(
    private readonly db: Queryable,
    private readonly logger: Logger,
  ) {
    super();
  }

  override dispatchEvent(event: Event): boolean {
    // Only whole-run-stream publishes travel; the per-run topic is derived on arrival.
    if (event.type === 'run-events' && event instanceof CustomEvent) {
      publishRunEvent(this.db, event.detail as RunEvent).catch((error: unknown) =>
        this.logger.warn({ err: error }, 'could not publish a run event'),
      );
    }
    return true;
  }

  /** A notification arrived: hand it to this process's subscribers. */
  deliver(event: RunEvent): void {
    super.dispatchEvent(new CustomEvent('run-events', { detail: event }));
    super.dispatchEvent(new CustomEvent(`run-event:${event.runId}`, { detail: event }));
  }
}

const KINDS: ReadonlySet<string> = new Set(JOB_KINDS);

/** A NOTIFY payload is text from any process: only well-formed run events get through. */
function parseRunEvent(payload: string): RunEvent | undefined {
  try {
    const value = JSON.parse(payload) as Partial<RunEvent> | null;
    if (
      value === null ||
      typeof value !== 'object' ||
      typeof value.runId !== 'number' ||
      typeof value.kind !== 'string' ||
      !KINDS.has(value.kind) ||
      typeof value.status !== 'string' ||
      typeof value.current !== 'number' ||
      typeof value.total !== 'number'
    ) {
      return undefined;
    }
    return value as RunEvent;
  } catch {
    return undefined;
  }
}

export interface RunEventBus {
  pubsub: RunEventPubSub;
  stop(): void;
}

/** Resolves once LISTEN is in place, so no event published after it is missed. */
export async function startRunEventBus(options: {
  listener: NotificationListener;
  db: Queryable;
  logger: Logger;
}): Promise<RunEventBus> {
  const target = new PostgresRunEventTarget(options.db, options.logger);
  const unsubscribe = await options.listener.subscribe(RUN_EVENTS_CHANNEL, (payload) => {
    const event = parseRunEvent(payload);
    if (event) target.deliver(event);
    else options.logger.warn('ignoring a malformed run event notification');
  });
  return { pubsub: createPubSub<RunEventTopics>({ eventTarget: target }), stop: unsubscribe };
}
