// One execution per distinct subscription. Without it, every graphql-ws subscriber of a run executes the
// subscription on its own: its own stream of the run's events, its own reads of the run, its own
// resolvers and JSON.stringify per event, so a thousand dashboards following one run cost a thousand
// times one. Here subscribers whose operation, variables and access are the same share one source
// stream (a "hub"): each event is executed once and serialized once, and the same payload bytes are
// written to every socket, framed by each subscriber's own graphql-ws message id.
//
// Hand-written because graphql-ws serializes each `next` message itself (JSON.stringify of the whole
// message, once per subscriber) and offers no hook to send pre-serialized payloads; the sharing has to
// sit between the subscription's source and the sockets.
import { type ExecutionArgs, type ExecutionResult, getOperationAST, GraphQLError, Kind } from 'graphql';
import type { SubscriptionGuard } from './guards.ts';

/** Where a hub writes one subscriber's messages: its socket, with its message id. */
export interface FanOutSink {
  /** Writes a graphql-ws `next` message whose payload is this already serialized result. */
  next(payloadJson: string): void;
}

type Source = AsyncIterable<ExecutionResult> | ExecutionResult;

interface Subscriber {
  sink: FanOutSink;
  /** Ends the subscriber's stream: normally, or with the source's error. */
  finish(error?: unknown): void;
}

interface Hub {
  subscribers: Set<Subscriber>;
  /** The last payload sent, for subscribers that join a stream whose first message is its state. */
  latest: string | undefined;
  stop(): void;
}

function isAsyncIterable(value: Source): value is AsyncIterable<ExecutionResult> {
  return typeof (value as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === 'function';
}

/** The frame graphql-ws itself writes for a `next` message, around a payload serialized once. */
export function nextMessage(id: string, payloadJson: string): string {
  return `{"id":${JSON.stringify(id)},"type":"next","payload":${payloadJson}}`;
}

/** What graphql-ws iterates for one subscriber; `return` is how it unsubscribes. */
export interface SharedStream extends AsyncIterableIterator<never, void, undefined> {
  return(): Promise<IteratorResult<never, void>>;
  throw(error: unknown): Promise<IteratorResult<never, void>>;
}

export class SubscriptionFanOut {
  private readonly hubs = new Map<string, Hub>();

  /** Whether a hub is executing this key now (a join would share it). */
  has(key: string): boolean {
    return this.hubs.has(key);
  }

  /** Distinct subscriptions being executed now (tests and diagnostics). */
  get activeHubs(): number {
    return this.hubs.size;
  }

  /**
   * Joins the hub of `key`, starting it with `start` when there is none. `replayLatest`: the stream's
   * messages are states (the current state first, then each change), so a subscriber joining late gets
   * the latest state first, as if it had subscribed alone. The returned stream yields nothing itself
   * (the hub writes to the sink); it ends when the source ends, throws the source's error, and leaves the
   * hub when graphql-ws returns it (the client completed or disconnected).
   */
  join(
    key: string,
    options: { replayLatest: boolean; start: () => Promise<Source> | Source; sink: FanOutSink },
  ): SharedStream {
    let hub = this.hubs.get(key);
    const fresh = hub === undefined;
    if (!hub) {
      hub = this.open(key, options.start);
    }
    let settle: ((error?: unknown) => void) | undefined;
    let outcome: { error?: unknown } | undefined;
    const subscriber: Subscriber = {
      sink: options.sink,
      finish: (error) => {
        outcome ??= { error };
        settle?.(error);
      },
    };
    if (!fresh && options.replayLatest && hub.latest !== undefined) options.sink.next(hub.latest);
    hub.subscribers.add(subscriber);
    const activeHub = hub;
    const leave = () => {
      activeHub.subscribers.delete(subscriber);
      if (activeHub.subscribers.size === 0 && this.hubs.get(key) === activeHub) {
        this.hubs.delete(key);
        activeHub.stop();
      }
    };
    const done = (): IteratorResult<never, void> => ({ done: true, value: undefined });
    const stream: SharedStream = {
      next: () =>
        new Promise<IteratorResult<never, void>>((resolve, reject) => {
          const end = (error?: unknown) =>
            error === undefined ? resolve(done()) : reject(error instanceof Error ? error : new Error(String(error)));
          if (outcome) end(outcome.error);
          else settle = end;
        }),
      return: async () => {
        leave();
        subscriber.finish();
        return done();
      },
      throw: async (error: unknown) => {
        leave();
        subscriber.finish();
        throw error;
      },
      [Symbol.asyncIterator]() {
        return stream;
      },
    };
    return stream;
  }

  private open(key: string, start: () => Promise<Source> | Source): Hub {
    let iterator: AsyncIterator<ExecutionResult> | undefined;
    let stopped = false;
    const hub: Hub = {
      subscribers: new Set(),
      latest: undefined,
      stop: () => {
        stopped = true;
        void iterator?.return?.();
      },
    };
    this.hubs.set(key, hub);
    const close = (error?: unknown) => {
      if (this.hubs.get(key) === hub) this.hubs.delete(key);
      for (const subscriber of hub.subscribers) subscriber.finish(error);
      hub.subscribers.clear();
    };
    const broadcast = (result: ExecutionResult) => {
      const json = JSON.stringify(result);
      hub.latest = json;
      for (const subscriber of hub.subscribers) subscriber.sink.next(json);
    };
    void (async () => {
      const source = await start();
      if (!isAsyncIterable(source)) {
        broadcast(source);
        return;
      }
      iterator = source[Symbol.asyncIterator]();
      if (stopped) {
        await iterator.return?.();
        return;
      }
      for (;;) {
        const step = await iterator.next();
        if (step.done || stopped) return;
        broadcast(step.value);
      }
    })().then(
      () => close(),
      (error: unknown) => close(error ?? new Error('subscription failed')),
    );
    return hub;
  }
}

/** The run-state subscriptions: their first message is the current state, so a late joiner is given it. */
const STATE_SUBSCRIPTIONS: ReadonlySet<string> = new Set(['jobRunProgress']);
/**
 * Subscriptions each subscriber executes alone: entryChanges replays everything after its cursor first, so
 * one who joined a running stream with the same cursor would miss what was replayed before it came.
 */
const UNSHARED_SUBSCRIPTIONS: ReadonlySet<string> = new Set(['entryChanges']);

function rootField(args: ExecutionArgs): string | undefined {
  const selection = getOperationAST(args.document, args.operationName)?.selectionSet.selections[0];
  return selection?.kind === Kind.FIELD ? selection.name.value : undefined;
}

/** The subscriber's side of a shared subscription, as the graphql-ws server hands it over. */
export interface SubscriberChannel {
  /** The graphql-ws message id the client chose for this subscription. */
  id: string;
  /** The operation's text, as sent. */
  query: string;
  socket: { readonly readyState: number; send(data: string): void };
}

const OPEN = 1;

/**
 * graphql-ws's `subscribe` for one subscriber: joins the hub of every subscriber with the same operation
 * text, operation name, variables and access (so nobody is sent what another's rights allowed), starting
 * it with `subscribe` (yoga's envelop: plugins and context of the first subscriber) when there is none.
 */
export function subscribeShared(
  fanOut: SubscriptionFanOut,
  args: ExecutionArgs,
  channel: SubscriberChannel,
  subscribe: (args: ExecutionArgs) => Promise<Source> | Source,
): AsyncIterableIterator<never> | ExecutionResult | Promise<Source> | Source {
  const field = rootField(args);
  if (field !== undefined && UNSHARED_SUBSCRIPTIONS.has(field)) return subscribe(args);
  const context = args.contextValue as { auth?: unknown; subscriptionGuard?: SubscriptionGuard } | undefined;
  const key = JSON.stringify([
    channel.query,
    args.operationName ?? null,
    args.variableValues ?? null,
    context?.auth ?? null,
  ]);
  // The first subscriber of a hub is counted against the process's bound by the subscription's own
  // resolver; one that joins a running hub runs no resolver, so it is counted here, as many as there are.
  const joining = fanOut.has(key);
  const stream = fanOut.join(key, {
    replayLatest: field !== undefined && STATE_SUBSCRIPTIONS.has(field),
    start: () => subscribe(args),
    sink: {
      next: (payloadJson) => {
        if (channel.socket.readyState === OPEN) channel.socket.send(nextMessage(channel.id, payloadJson));
      },
    },
  });
  if (!joining || !context?.subscriptionGuard) return stream;
  try {
    return context.subscriptionGuard.hold(stream);
  } catch (error) {
    void stream.return();
    if (error instanceof GraphQLError) return { errors: [error] };
    throw error;
  }
}
