import { type DocumentNode, visit } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import PQueue from 'p-queue';
import type { GraphQLContext } from './context.ts';
import { ApiError, type InputProblem, InvalidInputError, NotAllowedError } from './errors.ts';

/** The first thing every mutation does: a request that may not mutate changes nothing and learns why. */
export function assertCanMutate(context: GraphQLContext): void {
  const access = context.auth.mutate;
  if (!access.allowed) throw new NotAllowedError(access.reason, access.message, access.retryAfterSeconds);
}

/** The first thing a lookup does: lookups spend provider budget, so they need the lookup scope (or may mutate). */
export function assertCanLookup(context: GraphQLContext): void {
  const access = context.auth.lookup;
  if (!access.allowed) throw new NotAllowedError(access.reason, access.message, access.retryAfterSeconds);
}

/** What one WebSocket may have open at once, and what the whole process may (graphql-ws and SSE together). */
export const SUBSCRIPTION_LIMITS = { perConnection: 100, perProcess: 2_000 } as const;
/** At most this many subscriptions read their run at once when they start (see SubscriptionGuard.firstRead). */
const FIRST_READ_CONCURRENCY = 2;

/** Refusal of one subscription too many: the client learns the limit and that closing others frees room. */
export class SubscriptionLimitError extends ApiError {
  override name = 'SubscriptionLimitError';
  constructor(scope: 'connection' | 'process', limit: number) {
    super(
      scope === 'connection'
        ? `at most ${limit} operations at once on one connection; complete some first`
        : `the server has ${limit} subscriptions open, its limit; try again later`,
      'NOT_ALLOWED',
      { reason: 'SUBSCRIPTION_LIMIT', scope: scope.toUpperCase(), limit },
    );
  }
}

/**
 * Bounds this process's open subscriptions, and queues their first reads behind each other rather than
 * ahead of everyone's: ten thousand subscriptions started at once would otherwise take every pool
 * connection and make a plain query wait behind all of them.
 */
export class SubscriptionGuard {
  private open = 0;
  private readonly firstReads: PQueue;

  constructor(readonly limits: { perConnection: number; perProcess: number } = SUBSCRIPTION_LIMITS) {
    this.firstReads = new PQueue({ concurrency: FIRST_READ_CONCURRENCY });
  }

  get openCount(): number {
    return this.open;
  }

  /** The subscription's stream, counted until it ends however it ends (completed, returned or thrown). */
  hold<T>(stream: AsyncIterable<T>): AsyncIterableIterator<T> {
    if (this.open >= this.limits.perProcess) throw new SubscriptionLimitError('process', this.limits.perProcess);
    this.open += 1;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.open -= 1;
    };
    const inner = stream[Symbol.asyncIterator]();
    const iterator: AsyncIterableIterator<T> = {
      next: async () => {
        try {
          const result = await inner.next();
          if (result.done) release();
          return result;
        } catch (error) {
          release();
          throw error;
        }
      },
      return: async (value?: unknown) => {
        release();
        return (await inner.return?.(value)) ?? { done: true, value: undefined };
      },
      throw: async (error?: unknown) => {
        release();
        if (inner.throw) return await inner.throw(error);
        throw error;
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  /** A subscription's first read of the database, a few at a time. */
  firstRead<T>(read: () => Promise<T>): Promise<T> {
    return this.firstReads.add(read);
  }
}

const NUL_MESSAGE = 'must not contain the NUL character (U+0000)';

// yoga's parser cache hands the same DocumentNode to every request of the same text, so the literals'
// problems are found once per document rather than by a visit of the whole document per request.
const literalProblemsByDocument = new WeakMap<DocumentNode, readonly InputProblem[]>();

function literalNulProblems(document: DocumentNode): readonly InputProblem[] {
  let problems = literalProblemsByDocument.get(document);
  if (problems === undefined) {
    const found: InputProblem[] = [];
    visit(document, {
      Argument(node) {
        visit(node.value, {
          StringValue(value) {
            if (value.value.includes('\u0000')) found.push({ field: node.name.value, message: NUL_MESSAGE });
          },
        });
      },
    });
    problems = found;
    literalProblemsByDocument.set(document, problems);
  }
  return problems;
}

/** Adds the problems of one variable's value. A list of strings (a lookup's names) spells no path unless one fails. */
function walkVariable(value: unknown, path: string, problems: InputProblem[]): void {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) problems.push({ field: path, message: NUL_MESSAGE });
  } else if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index += 1) {
      const item: unknown = value[index];
      if (typeof item === 'string') {
        if (item.includes('\u0000')) problems.push({ field: `${path}.${index}`, message: NUL_MESSAGE });
      } else walkVariable(item, `${path}.${index}`, problems);
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) walkVariable(item, `${path}.${key}`, problems);
  }
}

/** A string argument or variable holding U+0000, which PostgreSQL cannot store or compare. */
function nulProblems(
  document: DocumentNode,
  variables: Readonly<Record<string, unknown>> | null | undefined,
): InputProblem[] {
  const problems = [...literalNulProblems(document)];
  for (const [name, value] of Object.entries(variables ?? {})) walkVariable(value, `$${name}`, problems);
  return problems;
}

/**
 * Refuses, before anything runs, an operation whose string input holds a NUL character: every string
 * reaches PostgreSQL as text (filters, keys, names), which rejects U+0000; that is the client's mistake
 * (INVALID_INPUT), not an internal error. Covers queries, mutations and subscriptions on every transport.
 */
export function nulInputPlugin(): Plugin {
  const check = (args: { document: DocumentNode; variableValues?: Readonly<Record<string, unknown>> | null }) => {
    const problems = nulProblems(args.document, args.variableValues);
    return problems.length > 0
      ? new InvalidInputError(problems.map((problem) => `${problem.field}: ${problem.message}`).join('; '), problems)
      : undefined;
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const error = check(args);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const error = check(args);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
  };
}
