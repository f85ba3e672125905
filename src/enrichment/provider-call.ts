// One provider call, sorted into what the merge rules need to know: it answered (maybe with nothing),
// it does not know the entity, it cannot say, it is not configured, or it failed. Only a failure makes
// an entry partial; a throttle or an outage must never be stored as "not found".
import { isProviderError, redact } from '../providers/errors.ts';
import type { ProviderErrorKind } from '../types.ts';

/** A fetcher for one provider: the real client call wrapped by the job, or a stub in tests. */
export type ProviderFetcher<I, T> = (input: I, signal?: AbortSignal) => Promise<T>;

export type FailureKind = Exclude<ProviderErrorKind, 'not-found' | 'not-configured'> | 'unexpected';

export interface ProviderFailure {
  kind: FailureKind;
  message: string;
}

export type ProviderOutcome<T> =
  | { status: 'answered'; value: T }
  | { status: 'not-found' }
  | { status: 'cannot-say'; reason: string }
  | { status: 'not-configured' }
  | { status: 'failed'; failure: ProviderFailure };

const MAX_MESSAGE_LENGTH = 500;
const KINDS: ReadonlySet<string> = new Set<ProviderErrorKind>([
  'not-found',
  'rate-limited',
  'unavailable',
  'unauthorised',
  'bad-response',
  'not-configured',
]);

function errorKind(error: unknown): ProviderErrorKind | undefined {
  if (isProviderError(error)) return error.kind;
  // Errors from other layers (or test doubles) that follow the same shape are read the same way.
  if (error instanceof Error && 'kind' in error && typeof error.kind === 'string' && KINDS.has(error.kind)) {
    return error.kind as ProviderErrorKind;
  }
  return undefined;
}

function isAbort(error: unknown, signal: AbortSignal | undefined): boolean {
  if (signal?.aborted) return true;
  return error instanceof Error && error.name === 'AbortError';
}

/** A message safe to store in `last_error` and show through the API. */
export function describeFailure(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const safe = redact(text);
  return safe.length > MAX_MESSAGE_LENGTH ? `${safe.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : safe;
}

/**
 * Calls a fetcher and classifies the result. A missing fetcher means "not configured". Cancellation is
 * not an outcome: it is rethrown so the job stops instead of storing a half-made entry.
 */
export async function callProvider<I, T>(
  fetcher: ProviderFetcher<I, T> | undefined,
  input: I,
  signal?: AbortSignal,
): Promise<ProviderOutcome<T>> {
  if (fetcher === undefined) return { status: 'not-configured' };
  signal?.throwIfAborted();
  try {
    return { status: 'answered', value: await fetcher(input, signal) };
  } catch (error) {
    if (isAbort(error, signal)) throw error;
    const kind = errorKind(error);
    if (kind === 'not-found') return { status: 'not-found' };
    if (kind === 'not-configured') return { status: 'not-configured' };
    return { status: 'failed', failure: { kind: kind ?? 'unexpected', message: describeFailure(error) } };
  }
}
