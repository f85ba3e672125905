import type { ProviderErrorKind, ProviderName } from '../types.ts';

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface LatencySummary {
  samples: number;
  averageMs: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  maxMs: number | null;
}

export interface ProviderCountersSnapshot {
  provider: ProviderName;
  /** HTTP attempts sent, retries included. */
  requests: number;
  retries: number;
  /** Answers that said "slow down": HTTP 429, and Last.fm's error 29 inside a 200. */
  rateLimited: number;
  /** Calls that ended in an error, by kind. */
  errors: Record<ProviderErrorKind, number>;
  errorsTotal: number;
  /**
   * Of the errors, calls this process refused without sending anything: the breaker open, the provider
   * paused, or its quota known to be spent.
   */
  heldBack: number;
  /** Latency of the most recent attempts (a window, so an old slow spell does not linger). */
  latency: LatencySummary;
  breaker: BreakerState;
  /** While the breaker is open: when it lets the next probe through. */
  breakerRetryAt: Date | null;
  /** Requests per second the limiter currently allows; null when only concurrency bounds it. */
  currentRate: number | null;
  pausedUntil: Date | null;
  unavailableUntil: Date | null;
}

/** What the counters ask of the limiter and the breaker when a snapshot is taken. */
export interface CounterSources {
  breakerState(): BreakerState;
  breakerRetryAt(): Date | null;
  currentRate(): number | null;
  pausedUntil(): Date | null;
  unavailableUntil(): Date | null;
}

const LATENCY_WINDOW = 512;

function emptyErrors(): Record<ProviderErrorKind, number> {
  return {
    'not-found': 0,
    'rate-limited': 0,
    unavailable: 0,
    unauthorised: 0,
    'bad-response': 0,
    'not-configured': 0,
  };
}

function percentile(sorted: readonly number[], fraction: number): number | null {
  if (sorted.length === 0) return null;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[index] ?? null;
}

export class ProviderCounters {
  private requests = 0;
  private retries = 0;
  private rateLimited = 0;
  private readonly errors = emptyErrors();
  private heldBack = 0;
  // A ring buffer: percentiles over a bounded window cost nothing per request.
  private readonly latencies: number[] = [];
  private latencyCursor = 0;
  private sources: CounterSources | undefined;

  constructor(readonly provider: ProviderName) {}

  attach(sources: CounterSources): void {
    this.sources = sources;
  }

  recordRequest(): void {
    this.requests += 1;
  }

  recordRetry(): void {
    this.retries += 1;
  }

  recordRateLimited(): void {
    this.rateLimited += 1;
  }

  recordError(kind: ProviderErrorKind): void {
    this.errors[kind] += 1;
  }

  /** A call refused here before any request (also counted by `recordError`). */
  recordHeldBack(): void {
    this.heldBack += 1;
  }

  recordLatency(milliseconds: number): void {
    if (!Number.isFinite(milliseconds) || milliseconds < 0) return;
    if (this.latencies.length < LATENCY_WINDOW) {
      this.latencies.push(milliseconds);
    } else {
      this.latencies[this.latencyCursor] = milliseconds;
      this.latencyCursor = (this.latencyCursor + 1) % LATENCY_WINDOW;
    }
  }

  snapshot(): ProviderCountersSnapshot {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const total = sorted.reduce((sum, value) => sum + value, 0);
    const round = (value: number | null) => (value === null ? null : Math.round(value * 10) / 10);
    return {
      provider: this.provider,
      requests: this.requests,
      retries: this.retries,
      rateLimited: this.rateLimited,
      errors: { ...this.errors },
      errorsTotal: Object.values(this.errors).reduce((sum, value) => sum + value, 0),
      heldBack: this.heldBack,
      latency: {
        samples: sorted.length,
        averageMs: round(sorted.length === 0 ? null : total / sorted.length),
        p50Ms: round(percentile(sorted, 0.5)),
        p95Ms: round(percentile(sorted, 0.95)),
        maxMs: round(sorted.at(-1) ?? null),
      },
      breaker: this.sources?.breakerState() ?? 'closed',
      breakerRetryAt: this.sources?.breakerRetryAt() ?? null,
      currentRate: this.sources?.currentRate() ?? null,
      pausedUntil: this.sources?.pausedUntil() ?? null,
      unavailableUntil: this.sources?.unavailableUntil() ?? null,
    };
  }
}
