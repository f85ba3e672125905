// The one HTTP layer every client uses. ky does the attempts, the backoff with jitter and the waiting
// out of Retry-After; its hooks plug in what ky does not know about: the provider's shared limiter (one
// slot per attempt, retries included), a deadline per attempt that also covers reading the body (ky's own
// timeout stops at the headers, so a server that stalls mid-body would hang forever), errors that
// arrive inside a 200 (Last.fm), and re-authentication after a 401 (Spotify). Whatever happens, the
// caller gets a validated value or a ProviderError; no ky error (whose message holds the URL, and for
// Last.fm the API key) ever leaves this file.
import { performance } from 'node:perf_hooks';
import ky, { isForceRetryError, isHTTPError, type Options } from 'ky';
import { whenSent } from './send-times.ts';
import type { z } from 'zod';
import type { Logger } from '../logger.ts';
import type { Clock, ProviderErrorKind, ProviderName } from '../types.ts';
import type { CircuitBreaker } from './circuit-breaker.ts';
import type { ProviderCounters } from './counters.ts';
import { ProviderError, type ProviderErrorCode, redact, safeUrl } from './errors.ts';
import type { RateLimitOutcome, RateLimiter } from './rate-limiter.ts';

export interface HttpTuning {
  /** Deadline of one attempt, from sending to the last byte of the body. */
  timeoutMs: number;
  /** Attempts per call, the first included. */
  maxAttempts: number;
  /** First backoff; doubles with each retry, with jitter, up to `backoffMaxMs`. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Retry-After values above this are not slept through: the provider is marked unavailable instead. */
  maxRetryAfterMs: number;
  /** Pause when a provider says "slow down" without saying for how long. */
  defaultRateLimitPauseMs: number;
}

export const DEFAULT_HTTP_TUNING: HttpTuning = {
  timeoutMs: 15_000,
  maxAttempts: 4,
  backoffBaseMs: 500,
  backoffMaxMs: 10_000,
  maxRetryAfterMs: 5 * 60_000,
  defaultRateLimitPauseMs: 2_000,
};

/** A provider-level reading of a response body (e.g. Last.fm's `{"error":29}` in an HTTP 200). */
export interface BodyVerdict {
  kind: ProviderErrorKind;
  code: ProviderErrorCode;
  message: string;
  /** Worth another attempt (a transient provider error). */
  retry?: boolean;
  /** A "slow down": pauses the whole provider through its limiter, then retries. */
  rateLimited?: boolean;
  retryAfterMs?: number;
  /**
   * A refusal every further request would get too (Last.fm's invalid or suspended key, Spotify's app
   * owner without Premium): the provider is paused for the whole installation, tried again after this.
   */
  pauseProviderMs?: number;
}

export interface AuthHooks {
  /** Puts credentials on each attempt; a retry may carry a fresher token than the first attempt. */
  apply(headers: Headers): Promise<void> | void;
  /** After a 401 (`sent`: the refused request's headers): get fresh credentials; true = try once more. */
  refresh?(sent: Headers): Promise<boolean>;
}

export interface RequestSpec<S extends z.ZodType> {
  /** A short name for messages and logs, e.g. `artist.gettoptags`. */
  operation: string;
  /** The full URL, query included (built with names.ts so every name is encoded one way). */
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  schema: S;
  inspect?: (body: unknown, status: number) => BodyVerdict | undefined;
  /** Overrides of the status → kind mapping for this request. */
  statusKinds?: Partial<Record<number, ProviderErrorKind>>;
  signal?: AbortSignal;
  /** Skip the rate limiter (Spotify's token endpoint is another service than its API). */
  rateLimit?: boolean;
  /** Skip the breaker (a request made from inside another call must not take the probe slot). */
  breaker?: boolean;
  /** Skip the client's auth hooks. */
  auth?: boolean;
  /** `manual` turns a redirect into an answer (AudioMuse sends unauthenticated callers to its login page). */
  redirect?: 'follow' | 'manual';
}

export interface HttpClientOptions {
  provider: ProviderName;
  limiter: RateLimiter;
  breaker: CircuitBreaker;
  counters: ProviderCounters;
  clock: Clock;
  logger: Logger;
  tuning: HttpTuning;
  headers: Record<string, string>;
  auth?: AuthHooks;
  /**
   * Statuses that are this provider's "slow down" even without Retry-After (MusicBrainz refuses excess
   * requests with a bare 503): they pause the limiter like a 429. Default: 429 only.
   */
  slowDownStatuses?: readonly number[];
}

class AttemptTimeoutError extends Error {
  override readonly name = 'AttemptTimeoutError';
}

const INVALID_JSON: unique symbol = Symbol('invalid JSON');

interface Exchange {
  status: number;
  body: unknown;
  location?: string;
  rateLimit?: RateLimitOutcome;
}

const RETRY_STATUSES = [408, 429, 500, 502, 503, 504];
const MAX_DETAIL_LENGTH = 200;

// Below this an X-RateLimit-Reset is a number of seconds to wait, above it a Unix time (MusicBrainz sends the latter).
const EPOCH_SECONDS_FLOOR = 1_000_000_000;
// The Date header has a resolution of one second; only a larger difference says our clock is off.
const CLOCK_SKEW_TOLERANCE_MS = 2_000;

/**
 * How long to wait according to `X-RateLimit-Reset` (MusicBrainz's 503 carries it without Retry-After).
 * The reset is an instant on the server's clock, so it is measured against the server's Date header when
 * ours is visibly off.
 */
export function parseRateLimitReset(headers: Headers, nowMs: number): number | undefined {
  const raw = headers.get('x-ratelimit-reset')?.trim();
  if (raw === undefined || !/^\d+(\.\d+)?$/.test(raw)) return undefined;
  const value = Number(raw);
  if (value < EPOCH_SECONDS_FLOOR) return Math.round(value * 1000);
  const served = Date.parse(headers.get('date') ?? '');
  const reference = Number.isFinite(served) && Math.abs(served - nowMs) > CLOCK_SKEW_TOLERANCE_MS ? served : nowMs;
  return Math.max(0, Math.round(value * 1000 - reference));
}

export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/** A provider's own error text, if its body has one (Spotify, Last.fm, AudioMuse, MusicBrainz shapes). */
function providerMessage(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as Record<string, unknown>;
  const nested = record.error;
  const candidates = [
    record.message,
    record.error_description,
    typeof nested === 'object' && nested !== null ? (nested as Record<string, unknown>).message : nested,
  ];
  const found = candidates.find((value): value is string => typeof value === 'string' && value.trim() !== '');
  return found === undefined ? undefined : found.slice(0, MAX_DETAIL_LENGTH);
}

function networkDetail(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown error';
  const cause = (error as Error & { cause?: unknown }).cause;
  const code =
    typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string'
      ? cause.code
      : undefined;
  return code ?? error.name;
}

function kindForStatus(status: number): { kind: ProviderErrorKind; code: ProviderErrorCode } {
  if (status === 401 || status === 403) return { kind: 'unauthorised', code: 'auth' };
  if (status === 404 || status === 410) return { kind: 'not-found', code: 'not-found' };
  if (status === 429) return { kind: 'rate-limited', code: 'rate-limit' };
  if (status === 408 || status >= 500) return { kind: 'unavailable', code: 'server-error' };
  return { kind: 'bad-response', code: 'http-status' };
}

/** Refusals of this process's own (no request went out): the breaker open, a pause, a quota known spent. */
const HELD_BACK_CODES: ReadonlySet<ProviderErrorCode> = new Set(['circuit-open', 'paused', 'quota']);

export class HttpClient {
  readonly provider: ProviderName;
  private readonly options: HttpClientOptions;
  private auth: AuthHooks | undefined;

  constructor(options: HttpClientOptions) {
    this.provider = options.provider;
    this.options = options;
    this.auth = options.auth;
  }

  /** Set after construction when the credentials themselves come through this client (Spotify's token). */
  useAuth(auth: AuthHooks): void {
    this.auth = auth;
  }

  get tuning(): HttpTuning {
    return this.options.tuning;
  }

  /** One call: limiter, breaker, attempts; resolves to the validated body or throws a ProviderError. */
  async request<S extends z.ZodType>(spec: RequestSpec<S>): Promise<z.output<S>> {
    const { limiter, breaker, counters } = this.options;
    try {
      // A request outside the limiter (a token fetched from inside another call) must not queue behind
      // the very call that is waiting for it.
      const run =
        spec.rateLimit === false ? () => this.send(spec) : () => limiter.schedule(() => this.send(spec), spec.signal);
      return spec.breaker === false ? await run() : await breaker.execute(run);
    } catch (error) {
      if (error instanceof ProviderError) {
        counters.recordError(error.kind);
        if (error.status === undefined && error.code !== undefined && HELD_BACK_CODES.has(error.code))
          counters.recordHeldBack();
      }
      throw error;
    }
  }

  private async send<S extends z.ZodType>(spec: RequestSpec<S>): Promise<z.output<S>> {
    const { limiter, counters, tuning, logger, clock } = this.options;
    const slowDownStatuses = this.options.slowDownStatuses ?? [429];
    const auth = spec.auth === false ? undefined : this.auth;
    let exchange: Exchange | undefined;
    let attempts = 0;
    let reauthenticated = false;
    let attemptStart = 0;
    let attemptTimer: NodeJS.Timeout | undefined;
    let forgetSend: (() => void) | undefined;
    const endAttempt = () => {
      if (attemptTimer !== undefined) clearTimeout(attemptTimer);
      attemptTimer = undefined;
      forgetSend?.();
      forgetSend = undefined;
    };
    const shown = safeUrl(spec.url);

    const options: Options = {
      method: spec.method ?? 'GET',
      headers: { accept: 'application/json', ...this.options.headers, ...spec.headers },
      body: spec.body,
      signal: spec.signal,
      redirect: spec.redirect ?? 'follow',
      // The per-attempt deadline below replaces ky's, which does not cover reading the body.
      timeout: false,
      throwHttpErrors: true,
      retry: {
        limit: Math.max(0, tuning.maxAttempts - 1),
        methods: ['get', 'post'],
        statusCodes: RETRY_STATUSES,
        afterStatusCodes: [429, 503],
        maxRetryAfter: tuning.maxRetryAfterMs,
        backoffLimit: tuning.backoffMaxMs,
        delay: (attempt) => tuning.backoffBaseMs * 2 ** (attempt - 1),
        // Half fixed, half random: retries spread out but never come back almost at once.
        jitter: (delay) => delay / 2 + Math.random() * (delay / 2),
        retryOnTimeout: true,
        shouldRetry: ({ error }) => {
          if (spec.signal?.aborted) return false;
          if (error instanceof ProviderError) return false;
          if (error instanceof AttemptTimeoutError) return true;
          if (isHTTPError(error)) return exchange?.rateLimit?.outcome === 'unavailable' ? false : undefined;
          return true;
        },
      },
      hooks: {
        beforeRequest: [
          async (request, normalized) => {
            endAttempt();
            if (spec.rateLimit !== false) {
              await limiter.acquire(spec.signal, { untilSent: true });
              const forget = whenSent(request.url, () => limiter.noteSent());
              forgetSend = () => {
                if (forget()) limiter.noteUnsent();
              };
            }
            if (auth !== undefined) await auth.apply(request.headers);
            attempts += 1;
            counters.recordRequest();
            attemptStart = performance.now();
            const controller = new AbortController();
            attemptTimer = setTimeout(() => controller.abort(new AttemptTimeoutError()), tuning.timeoutMs);
            // Built on ky's signal, not the request's: ky reuses a clone of this request for the next
            // attempt, and it would carry this attempt's (aborted) deadline along.
            const signals = normalized.signal ? [normalized.signal, controller.signal] : [controller.signal];
            return new Request(request, { signal: AbortSignal.any(signals) });
          },
        ],
        beforeRetry: [
          ({ error, retryCount }) => {
            endAttempt();
            counters.recordRetry();
            logger.debug(
              {
                provider: this.provider,
                operation: spec.operation,
                url: shown,
                retry: retryCount,
                reason: this.describe(error),
              },
              `${this.provider} ${spec.operation}: retrying`,
            );
          },
        ],
        afterResponse: [
          async (request, _options, response) => {
            let text: string;
            try {
              text = await response.text();
            } finally {
              const roundTrip = performance.now() - attemptStart;
              counters.recordLatency(roundTrip);
              if (spec.rateLimit !== false) limiter.observeRoundTrip(roundTrip);
              endAttempt();
            }
            let body: unknown;
            try {
              body = text.trim() === '' ? undefined : (JSON.parse(text) as unknown);
            } catch {
              body = INVALID_JSON;
            }
            exchange = { status: response.status, body, location: response.headers.get('location') ?? undefined };
            const rebuilt = () =>
              new Response(text, {
                status: response.status,
                statusText: response.statusText,
                headers: response.headers,
              });

            const refused = response.status === 429 || response.status === 503;
            const retryAfterMs = refused
              ? (parseRetryAfter(response.headers.get('retry-after'), clock().getTime()) ??
                parseRateLimitReset(response.headers, clock().getTime()))
              : undefined;
            if (slowDownStatuses.includes(response.status) || (response.status === 503 && retryAfterMs !== undefined)) {
              // Every refused request pauses the limiter at once, so the next attempt waits for the window
              // to open instead of spending the budget on another refusal.
              counters.recordRateLimited();
              exchange.rateLimit = limiter.onRateLimited(retryAfterMs);
              return rebuilt();
            }
            if (response.status === 401 && auth?.refresh !== undefined && !reauthenticated) {
              reauthenticated = true;
              if (await auth.refresh(request.headers)) {
                const cause = this.error(spec, 'unauthorised', 'auth', 'HTTP 401 (credentials refused)', 401);
                return ky.retry({ delay: 0, code: 'REAUTHENTICATE', cause });
              }
            }
            const verdict =
              response.status < 500 && body !== INVALID_JSON ? spec.inspect?.(body, response.status) : undefined;
            if (verdict?.pauseProviderMs !== undefined) {
              const pause = limiter.refuse(verdict.message, verdict.pauseProviderMs);
              throw this.error(
                spec,
                'unauthorised',
                'paused',
                `${verdict.message}; paused for the whole installation until ${pause.retryAt.toISOString()}`,
                response.status,
                pause.retryAt,
              );
            }
            // An answer (a "not found" too) says the credentials work: a pause whose retry time came is over.
            if (
              spec.rateLimit !== false &&
              (response.status < 400 || response.status === 404) &&
              verdict?.kind !== 'unauthorised'
            ) {
              limiter.confirmAccess();
            }
            if (verdict === undefined) return rebuilt();
            if (verdict.rateLimited) {
              counters.recordRateLimited();
              const outcome = limiter.onRateLimited(verdict.retryAfterMs ?? retryAfterMs);
              exchange.rateLimit = outcome;
              if (outcome.outcome === 'unavailable') {
                throw this.error(
                  spec,
                  'unavailable',
                  'quota',
                  `${verdict.message}; unavailable until ${outcome.until.toISOString()}`,
                  response.status,
                  outcome.until,
                );
              }
              const cause = this.error(
                spec,
                verdict.kind,
                verdict.code,
                verdict.message,
                response.status,
                outcome.until,
              );
              return ky.retry({ delay: outcome.pauseMs, code: 'RATE_LIMITED', cause });
            }
            const error = this.error(spec, verdict.kind, verdict.code, verdict.message, response.status);
            if (verdict.retry) return ky.retry({ code: 'PROVIDER_ERROR', cause: error });
            throw error;
          },
        ],
      },
    };

    try {
      await ky(spec.url, options);
    } catch (error) {
      endAttempt();
      throw this.failure(error, spec, exchange, attempts);
    }
    endAttempt();

    if (exchange === undefined) {
      throw this.error(spec, 'bad-response', 'invalid-body', 'no response body was read');
    }
    if (exchange.body === INVALID_JSON) {
      throw this.error(
        spec,
        'bad-response',
        'invalid-body',
        'response body is not valid JSON (malformed or truncated)',
        exchange.status,
      );
    }
    const parsed = spec.schema.safeParse(exchange.body);
    if (!parsed.success) {
      const issues = parsed.error.issues
        .slice(0, 3)
        .map((issue) => `${issue.path.length === 0 ? '(root)' : issue.path.join('.')}: ${issue.message}`)
        .join('; ');
      throw this.error(spec, 'bad-response', 'invalid-body', `unexpected response shape (${issues})`, exchange.status);
    }
    return parsed.data;
  }

  private failure(
    error: unknown,
    spec: RequestSpec<z.ZodType>,
    exchange: Exchange | undefined,
    attempts: number,
  ): unknown {
    if (spec.signal?.aborted) return spec.signal.reason ?? error;
    if (error instanceof ProviderError) return error;
    if (isForceRetryError(error)) {
      const cause = (error as Error & { cause?: unknown }).cause;
      if (cause instanceof ProviderError) return cause;
      return this.error(spec, 'unavailable', 'server-error', `gave up after ${attempts} attempts`);
    }
    const tries = attempts === 1 ? '1 attempt' : `${attempts} attempts`;
    if (
      error instanceof AttemptTimeoutError ||
      (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))
    ) {
      return this.error(
        spec,
        'unavailable',
        'timeout',
        `no complete answer within ${this.options.tuning.timeoutMs} ms (${tries})`,
      );
    }
    if (isHTTPError(error)) {
      const status = error.response.status;
      const rateLimit = exchange?.rateLimit;
      if (rateLimit?.outcome === 'unavailable') {
        return this.error(
          spec,
          'unavailable',
          'quota',
          `HTTP ${status} with a long Retry-After; unavailable until ${rateLimit.until.toISOString()}`,
          status,
          rateLimit.until,
        );
      }
      // A refusal that paused the limiter is a "slow down", even when the provider says it with a 503.
      const mapped =
        rateLimit !== undefined
          ? { kind: 'rate-limited' as const, code: 'rate-limit' as const }
          : kindForStatus(status);
      const kind = spec.statusKinds?.[status] ?? mapped.kind;
      const answered = exchange?.status === status ? exchange : undefined;
      const detail =
        status >= 300 && status < 400
          ? `redirected to ${safeUrl(answered?.location ?? 'an unknown location')}`
          : providerMessage(answered?.body);
      const message = `HTTP ${status}${detail === undefined ? '' : ` (${detail})`}${mapped.code === 'server-error' || mapped.code === 'rate-limit' ? ` after ${tries}` : ''}`;
      return this.error(spec, kind, mapped.code, message, status, rateLimit?.until);
    }
    return this.error(spec, 'unavailable', 'network', `network error ${networkDetail(error)} (${tries})`);
  }

  private error(
    spec: RequestSpec<z.ZodType>,
    kind: ProviderErrorKind,
    code: ProviderErrorCode,
    message: string,
    status?: number,
    retryAt?: Date,
  ): ProviderError {
    return new ProviderError({
      provider: this.provider,
      operation: spec.operation,
      kind,
      code,
      message,
      status,
      retryAt,
    });
  }

  private describe(error: Error): string {
    if (error instanceof ProviderError) return error.message;
    if (error instanceof AttemptTimeoutError) return 'timeout';
    if (isHTTPError(error)) return `HTTP ${error.response.status}`;
    if (isForceRetryError(error)) return redact(error.message);
    return networkDetail(error);
  }
}
