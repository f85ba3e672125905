// One limiter per provider, shared by everything in the process that calls that provider.
//
// Design: a token gate over p-queue. A p-queue of concurrency 1 lines callers up in order (and drops
// aborted ones); the task at its head waits until the next slot (1/rate after the previous grant, and
// not before a 429 pause ends), then lets its caller send. A second p-queue bounds how many calls are in
// flight. p-queue's own `interval`/`intervalCap` are fixed at construction, while the rate here must change
// at run time: Spotify's adapts to 429s, and the cross-process share (src/worker/rate-share.ts) calls
// `setRate(rps)` whenever the number of processes calling the provider changes.
//
// Two notions of time: spacing and short pauses are waited out with real timers, so they are measured on
// the monotonic clock; decisions that are wall-clock deadlines (unavailable until, a quiet minute for the
// adaptive rate) use the injected Clock, so tests can move them with a fake clock.
import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import PQueue from 'p-queue';
import type { Logger } from '../logger.ts';
import type { Clock, ProviderName } from '../types.ts';
import { ProviderError } from './errors.ts';
import { currentLane, inCallerLane, lanePriority, noteWait, type RequestLane } from './request-lane.ts';

export interface AdaptiveRateOptions {
  /** Never slower than this, however many 429s arrive. */
  minRps: number;
  /** A stretch this long without a 429 raises the rate once. */
  quietMs: number;
  increaseFactor: number;
  decreaseFactor: number;
}

const DEFAULT_ADAPTIVE: AdaptiveRateOptions = {
  minRps: 0.1,
  quietMs: 60_000,
  increaseFactor: 1.1,
  decreaseFactor: 0.5,
};

// A request arrives at the provider some time after its slot: the way there varies, and so does how
// late a timer fires. Two requests sent exactly 1/rate apart may arrive closer than the provider's window
// and be refused, so slots are spaced a little wider, by a margin that follows what is observed:
// - the spread (p90 - p10) of recent round trips, of which the way in is taken to be a fraction (most of
//   the spread is the provider's own work, after its rate limiter has counted the request);
// - how late the limiter's own timers fire (p90), when the event loop is busy.
// The margin never exceeds a small share of the spacing, so pacing stays within a few percent of the rate.
const INBOUND_SHARE_OF_SPREAD = 0.15;
const MAX_MARGIN_SHARE = 0.05;
/** Until enough round trips were seen. */
const INITIAL_MARGIN_SHARE = 0.05;
const SAMPLE_WINDOW = 64;
const MIN_SAMPLES = 8;

/** A small ring of recent values and a quantile over it. */
class RecentSamples {
  private readonly values: number[] = [];
  private cursor = 0;

  add(value: number): void {
    if (!Number.isFinite(value) || value < 0) return;
    if (this.values.length < SAMPLE_WINDOW) this.values.push(value);
    else {
      this.values[this.cursor] = value;
      this.cursor = (this.cursor + 1) % SAMPLE_WINDOW;
    }
  }

  get size(): number {
    return this.values.length;
  }

  quantile(q: number): number {
    if (this.values.length === 0) return 0;
    const sorted = [...this.values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
  }
}

/** The gate priority of a background caller that gave its place at the head up to an interactive one. */
const YIELDED_PRIORITY = 0.5;

/** Longest a slot waits for the previous slot's request to leave before going anyway. */
const MAX_SEND_WAIT_MS = 10_000;

interface PendingSend {
  settled: Promise<void>;
  settle: () => void;
}

function pendingSend(): PendingSend {
  let settle = () => {};
  const settled = new Promise<void>((resolve) => {
    settle = resolve;
  });
  return { settled, settle: () => settle() };
}

/** Until the pending send settles, at most MAX_SEND_WAIT_MS; the caller's abort still ends the wait. */
async function waitForSend(unsent: PendingSend, signal: AbortSignal | undefined): Promise<void> {
  const done = new AbortController();
  const signals = signal === undefined ? done.signal : AbortSignal.any([signal, done.signal]);
  try {
    await Promise.race([unsent.settled, sleep(MAX_SEND_WAIT_MS, undefined, { signal: signals })]);
  } catch (error) {
    if (signal?.aborted) throw error;
  } finally {
    // Ends the timer when the send settled first.
    done.abort();
  }
}

export interface RateLimiterOptions {
  provider: ProviderName;
  clock: Clock;
  logger?: Logger;
  /** Sustained requests per second; undefined means only `concurrency` bounds the provider. */
  requestsPerSecond?: number;
  /** Halve on 429, creep back up after quiet minutes, never above the configured (or `setRate`) rate. */
  adaptive?: boolean | Partial<AdaptiveRateOptions>;
  /** Calls in flight at once (a whole call, retries included). Default: unbounded. */
  concurrency?: number;
  /** A Retry-After longer than this does not put callers to sleep: the provider is marked unavailable. */
  maxPauseMs: number;
  /** Pause after a 429 that gave no Retry-After. */
  defaultPauseMs: number;
  /** Told when this process's own requests were refused for good (`pause`) or got through again after one (undefined). */
  onPauseChange?: (pause: ProviderPause | undefined) => void;
}

/**
 * A refusal that means "stop asking" (an invalid or suspended key, an app whose owner lost Premium):
 * every request would get the same answer, so none is sent until the pause ends.
 */
export interface ProviderPause {
  /** The provider's own words, e.g. `error 26: Suspended API key - …`. */
  reason: string;
  since: Date;
  /** When requests are tried again on their own; a success then ends the pause, a refusal renews it. */
  retryAt: Date;
}

export type RateLimitOutcome =
  | { outcome: 'paused'; until: Date; pauseMs: number }
  | { outcome: 'unavailable'; until: Date };

export class RateLimiter {
  readonly provider: ProviderName;
  private readonly gate = new PQueue({ concurrency: 1 });
  private readonly inFlight: PQueue | undefined;
  private readonly clock: Clock;
  private readonly logger: Logger | undefined;
  private readonly adaptive: AdaptiveRateOptions | undefined;
  private readonly maxPauseMs: number;
  private readonly defaultPauseMs: number;
  /** The rate asked for (config or setRate); the adaptive rate never exceeds it. */
  private ceiling: number | undefined;
  private rate: number | undefined;
  private lastGrant = Number.NEGATIVE_INFINITY;
  private pausedUntil = 0;
  private pauseGeneration = 0;
  private unavailableUntil = 0;
  private lastAdjustment: number;
  private pause: ProviderPause | undefined;
  private readonly roundTrips = new RecentSamples();
  private readonly lateTimers = new RecentSamples();
  private jitterMs = 0;
  private readonly onPauseChange: ((pause: ProviderPause | undefined) => void) | undefined;
  private lastAcquireAt = Number.NEGATIVE_INFINITY;
  private lastSent = Number.NEGATIVE_INFINITY;
  private unsent: PendingSend | undefined;
  private acquireListener: (() => void) | undefined;
  /** Wakes the background caller sleeping at the head of the gate, so an interactive one goes first. */
  private yieldHead: (() => void) | undefined;

  constructor(options: RateLimiterOptions) {
    this.provider = options.provider;
    this.clock = options.clock;
    this.logger = options.logger;
    this.maxPauseMs = options.maxPauseMs;
    this.defaultPauseMs = options.defaultPauseMs;
    this.onPauseChange = options.onPauseChange;
    this.ceiling = validRate(options.requestsPerSecond);
    this.rate = this.ceiling;
    this.adaptive =
      options.adaptive === undefined || options.adaptive === false
        ? undefined
        : { ...DEFAULT_ADAPTIVE, ...(options.adaptive === true ? {} : options.adaptive) };
    const concurrency = options.concurrency;
    this.inFlight =
      concurrency !== undefined && Number.isFinite(concurrency)
        ? new PQueue({ concurrency: Math.max(1, concurrency) })
        : undefined;
    this.lastAdjustment = this.clock().getTime();
  }

  /**
   * Runs a whole call within the concurrency bound. Interactive calls (request-lane.ts) take the next
   * free place before background ones; the call runs in its caller's lane wherever the queue starts it.
   */
  async schedule<T>(operation: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    this.assertAvailable();
    if (this.inFlight === undefined) return operation();
    const queuedAt = performance.now();
    let startedAt = queuedAt;
    const run = inCallerLane(() => {
      startedAt = performance.now();
      return operation();
    });
    try {
      return await this.inFlight.add(run, { signal, priority: lanePriority() });
    } finally {
      noteWait(this.provider, 'concurrency', startedAt - queuedAt);
    }
  }

  /**
   * Waits for a slot for one HTTP attempt. Throws `unavailable` (with retryAt) while the provider is out.
   * With `untilSent`, the next slot is not given before this attempt's request has left (`noteSent`) or
   * was given up (`noteUnsent`), and is spaced from the moment it left.
   */
  async acquire(signal?: AbortSignal, options: { untilSent?: boolean } = {}): Promise<void> {
    this.lastAcquireAt = performance.now();
    this.acquireListener?.();
    this.assertAvailable();
    const lane = currentLane();
    // A background caller sleeping at the head of the gate gives its place up to an interactive one: the
    // lookup takes the very slot being waited for, and the background caller the one after.
    if (lane === 'interactive') this.yieldHead?.();
    // Where the wait went, for the interactive caller's answer (request-lane.ts).
    const queuedAt = performance.now();
    let startedAt = queuedAt;
    const spent = { budgetMs: 0, pauseMs: 0 };
    let priority = lanePriority(lane);
    try {
      for (;;) {
        const granted = await this.gate.add(
          async () => {
            startedAt = performance.now();
            return this.waitForSlot(lane, signal, options, spent);
          },
          // The gate serves interactive callers first; a background caller that gave its place up goes
          // before the other background ones (between the two lanes), so background order is kept.
          { signal, priority },
        );
        if (granted) return;
        priority = YIELDED_PRIORITY;
      }
    } finally {
      noteWait(this.provider, 'queued', startedAt - queuedAt - spent.budgetMs - spent.pauseMs);
      noteWait(this.provider, 'rate-budget', spent.budgetMs);
      noteWait(this.provider, 'provider-pause', spent.pauseMs);
    }
  }

  /** At the head of the gate: waits for the next slot; false when a background caller gave its place up. */
  private async waitForSlot(
    lane: RequestLane,
    signal: AbortSignal | undefined,
    options: { untilSent?: boolean },
    spent: { budgetMs: number; pauseMs: number },
  ): Promise<boolean> {
    for (;;) {
      this.assertAvailable();
      this.creepUp();
      const unsent = this.unsent;
      if (unsent !== undefined) {
        // The last slot's request has not left yet (a token fetch, a new connection): it arrives late,
        // so the next slot is spaced from when it does leave. Bounded, in case a send is never seen.
        const since = performance.now();
        await waitForSend(unsent, signal);
        spent.budgetMs += performance.now() - since;
        if (this.unsent === unsent) this.unsent = undefined;
        continue;
      }
      const now = performance.now();
      // From the later of the last slot and the moment its request really left (see noteSent). The
      // margin stays on top of a late send: dropping it there brought refusals back under load.
      const spaced = Math.max(this.lastGrant, this.lastSent) + this.spacingMs;
      const next = Math.max(this.pausedUntil, spaced);
      if (next <= now) {
        this.lastGrant = now;
        if (options.untilSent) this.unsent = pendingSend();
        return true;
      }
      const yielded = await this.sleepAtHead(next - now, lane, signal);
      const slept = performance.now() - now;
      if (this.pausedUntil > spaced) spent.pauseMs += slept;
      else spent.budgetMs += slept;
      if (yielded) return false;
      this.lateTimers.add(performance.now() - next);
      // Look again rather than go: a 429 may have moved the pause, or the last request left late.
    }
  }

  /** Sleeps at the head of the gate; a background sleeper wakes early (true) when an interactive caller arrives. */
  private async sleepAtHead(ms: number, lane: RequestLane, signal: AbortSignal | undefined): Promise<boolean> {
    if (lane === 'interactive') {
      await sleep(ms, undefined, { signal });
      return false;
    }
    const wake = new AbortController();
    this.yieldHead = () => wake.abort();
    try {
      await sleep(ms, undefined, {
        signal: signal === undefined ? wake.signal : AbortSignal.any([signal, wake.signal]),
      });
      return false;
    } catch (error) {
      if (signal?.aborted || !wake.signal.aborted) throw error;
      return true;
    } finally {
      this.yieldHead = undefined;
      // Ends the timer when the sleep was woken.
      wake.abort();
    }
  }

  /**
   * Called on every "slow down" answer. A short Retry-After pauses the provider for every caller; a long
   * one (Spotify's daily quota answers with ~14 h) marks it unavailable so callers fail fast instead.
   */
  onRateLimited(retryAfterMs: number | undefined): RateLimitOutcome {
    const wallNow = this.clock().getTime();
    if (retryAfterMs !== undefined && retryAfterMs > this.maxPauseMs) {
      const until = wallNow + retryAfterMs;
      this.markUnavailable(new Date(until), `Retry-After ${Math.round(retryAfterMs / 1000)} s`);
      return { outcome: 'unavailable', until: new Date(until) };
    }
    const pauseMs = Math.max(0, retryAfterMs ?? this.defaultPauseMs);
    const now = performance.now();
    const alreadyPaused = now < this.pausedUntil;
    // Concurrent requests sent before the pause all come back 429; only the first should halve the rate.
    if (!alreadyPaused) this.slowDown();
    if (now + pauseMs > this.pausedUntil) {
      this.pausedUntil = now + pauseMs;
      this.pauseGeneration += 1;
    }
    if (!alreadyPaused) {
      this.logger?.warn(
        { provider: this.provider, pauseMs, rate: this.rate },
        `${this.provider} rate limited; pausing all calls for ${pauseMs} ms`,
      );
    }
    return { outcome: 'paused', until: new Date(wallNow + (this.pausedUntil - now)), pauseMs };
  }

  markUnavailable(until: Date, reason: string): void {
    if (until.getTime() <= this.unavailableUntil) return;
    this.unavailableUntil = until.getTime();
    // The caller sleeping at the head of the gate looks again when it wakes, and fails instead of sending.
    this.pauseGeneration += 1;
    this.slowDown();
    this.logger?.warn(
      { provider: this.provider, until: until.toISOString() },
      `${this.provider} unavailable until ${until.toISOString()} (${reason}); calls fail fast until then`,
    );
  }

  /**
   * This process's request was refused for good: nothing more is sent (callers waiting for a slot fail
   * at once) until `retryAt`. Concurrent refusals of requests already in flight only log once.
   */
  refuse(reason: string, retryAfterMs: number): ProviderPause {
    const current = this.activePause;
    if (current !== undefined) return current;
    const now = this.clock();
    const pause: ProviderPause = { reason, since: now, retryAt: new Date(now.getTime() + retryAfterMs) };
    this.applyPause(pause);
    this.logger?.warn(
      { provider: this.provider, reason, retryAt: pause.retryAt.toISOString() },
      `${this.provider} refused our credentials (${reason}); paused for the whole installation until ${pause.retryAt.toISOString()}`,
    );
    this.onPauseChange?.(pause);
    return pause;
  }

  /** A pause decided elsewhere (another process, the stored state), or undefined to lift it. No callback. */
  applyPause(pause: ProviderPause | undefined): void {
    this.pause = pause;
    // The caller sleeping at the head of the gate looks again when it wakes, and fails instead of sending.
    this.pauseGeneration += 1;
  }

  /** An answer came through: a pause whose retry time had come is over. */
  confirmAccess(): void {
    if (this.pause === undefined || this.activePause !== undefined) return;
    this.pause = undefined;
    this.logger?.info({ provider: this.provider }, `${this.provider} answers again; pause lifted`);
    this.onPauseChange?.(undefined);
  }

  /** The pause in force now (undefined once its retry time has come). */
  get activePause(): ProviderPause | undefined {
    const pause = this.pause;
    return pause !== undefined && this.clock().getTime() < pause.retryAt.getTime() ? pause : undefined;
  }

  /** One round trip's duration, from sending to the last byte: the spread of these widens the spacing. */
  observeRoundTrip(milliseconds: number): void {
    this.roundTrips.add(milliseconds);
    if (this.roundTrips.size >= MIN_SAMPLES && this.roundTrips.size % 4 === 0) {
      const spread = this.roundTrips.quantile(0.9) - this.roundTrips.quantile(0.1);
      this.jitterMs = INBOUND_SHARE_OF_SPREAD * spread + this.lateTimers.quantile(0.9);
    }
  }

  /** The time between two slots: 1/rate, widened by the observed-jitter margin. */
  get spacingMs(): number {
    if (this.rate === undefined) return 0;
    const base = 1000 / this.rate;
    const margin =
      this.roundTrips.size < MIN_SAMPLES
        ? INITIAL_MARGIN_SHARE * base
        : Math.min(MAX_MARGIN_SHARE * base, this.jitterMs);
    return base + margin;
  }

  /** Changes the sustained rate at run time; undefined removes the rate limit. */
  setRate(requestsPerSecond: number | undefined): void {
    const rate = validRate(requestsPerSecond);
    this.ceiling = rate;
    if (this.adaptive !== undefined && rate !== undefined && this.rate !== undefined) {
      this.rate = Math.min(this.rate, rate);
    } else {
      this.rate = rate;
    }
  }

  /**
   * The request of the last slot has just been written to its socket. A request that left late (a token
   * fetch, a new connection, a busy event loop) arrives late; spacing the next slot from now keeps the two
   * a whole spacing apart where the provider counts them.
   */
  noteSent(): void {
    this.lastSent = Math.max(this.lastSent, performance.now());
    this.settleSend();
  }

  /** The request of the last `untilSent` slot will not be sent (the attempt ended before it left). */
  noteUnsent(): void {
    this.settleSend();
  }

  private settleSend(): void {
    const unsent = this.unsent;
    this.unsent = undefined;
    unsent?.settle();
  }

  /** Told whenever a slot is asked for: the cross-process share learns that this process calls the provider. */
  onAcquire(listener: (() => void) | undefined): void {
    this.acquireListener = listener;
  }

  /** When a slot was last asked for, on the monotonic clock (`performance.now()`); -Infinity: never. */
  get lastAcquiredAt(): number {
    return this.lastAcquireAt;
  }

  /** The rate now allowed, after any adaptive change. */
  get currentRate(): number | undefined {
    this.creepUp();
    return this.rate;
  }

  get configuredRate(): number | undefined {
    return this.ceiling;
  }

  get unavailableUntilDate(): Date | undefined {
    return this.clock().getTime() < this.unavailableUntil ? new Date(this.unavailableUntil) : undefined;
  }

  get pausedUntilDate(): Date | undefined {
    const remaining = this.pausedUntil - performance.now();
    return remaining > 0 ? new Date(this.clock().getTime() + remaining) : undefined;
  }

  /** Callers waiting for a slot (for stats). */
  get waiting(): number {
    return this.gate.size + this.gate.pending + (this.inFlight?.size ?? 0);
  }

  assertAvailable(): void {
    const pause = this.activePause;
    if (pause !== undefined) {
      throw new ProviderError({
        provider: this.provider,
        kind: 'unauthorised',
        code: 'paused',
        retryAt: pause.retryAt,
        message: `paused since ${pause.since.toISOString()} (${pause.reason}); tried again at ${pause.retryAt.toISOString()}`,
      });
    }
    const until = this.unavailableUntil;
    if (this.clock().getTime() < until) {
      throw new ProviderError({
        provider: this.provider,
        kind: 'unavailable',
        code: 'quota',
        retryAt: new Date(until),
        message: `unavailable until ${new Date(until).toISOString()} (the provider asked us to wait)`,
      });
    }
  }

  private slowDown(): void {
    if (this.adaptive === undefined || this.rate === undefined) return;
    this.rate = Math.max(this.adaptive.minRps, this.rate * this.adaptive.decreaseFactor);
    this.lastAdjustment = this.clock().getTime();
  }

  private creepUp(): void {
    if (this.adaptive === undefined || this.rate === undefined || this.ceiling === undefined) return;
    const now = this.clock().getTime();
    const quietPeriods = Math.floor((now - this.lastAdjustment) / this.adaptive.quietMs);
    if (quietPeriods <= 0) return;
    this.lastAdjustment += quietPeriods * this.adaptive.quietMs;
    if (this.rate >= this.ceiling) return;
    this.rate = Math.min(this.ceiling, this.rate * this.adaptive.increaseFactor ** quietPeriods);
  }
}

function validRate(value: number | undefined): number | undefined {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : undefined;
}
