// A small breaker instead of opossum 9: opossum decides with Date.now() and setTimeout (its reset timer
// cannot follow an injected clock, so "probe after a pause" could not be tested with a fake clock), it
// opens on an error percentage over a rolling window rather than on consecutive failures, and it closes
// after a single successful probe. The rules here are the ones the peers' evidence suggests (Navidrome's
// gate): open after N consecutive transient failures, one probe at a time after a pause, close after M
// successes in a row.
import type { Logger } from '../logger.ts';
import type { Clock, ProviderName } from '../types.ts';
import type { BreakerState } from './counters.ts';
import { ProviderError, isProviderError } from './errors.ts';

export interface CircuitBreakerOptions {
  /** Consecutive transient failures that open the breaker. */
  failureThreshold: number;
  /** How long it stays open before a probe is let through. */
  openMs: number;
  /** Consecutive successful probes that close it again. */
  successThreshold: number;
}

export const DEFAULT_BREAKER_OPTIONS: CircuitBreakerOptions = {
  failureThreshold: 5,
  openMs: 60_000,
  successThreshold: 3,
};

type Outcome = 'success' | 'failure' | 'neutral';

const NEUTRAL_CODES = new Set(['circuit-open', 'quota', 'rate-limit', 'paused']);

/**
 * Only a provider that looks unwell counts against it; "not found" or a bad key says it answered. Being
 * told to wait, failing fast on our own, or the caller cancelling says nothing either way.
 */
function classify(error: unknown): Outcome {
  if (!isProviderError(error)) return 'neutral';
  if (error.transient) return 'failure';
  return error.code !== undefined && NEUTRAL_CODES.has(error.code) ? 'neutral' : 'success';
}

export class CircuitBreaker {
  private current: BreakerState = 'closed';
  private consecutiveFailures = 0;
  private consecutiveSuccesses = 0;
  private openedAt = 0;
  private probeInFlight = false;

  constructor(
    private readonly provider: ProviderName,
    private readonly options: CircuitBreakerOptions,
    private readonly clock: Clock,
    private readonly logger?: Logger,
  ) {}

  /** The state as of now: an open breaker whose pause has passed reads as half-open. */
  get state(): BreakerState {
    if (this.current === 'open' && this.clock().getTime() >= this.openedAt + this.options.openMs) {
      return 'half-open';
    }
    return this.current;
  }

  /** While open: when the next probe is let through; null while closed or half-open. */
  get retryAt(): Date | null {
    return this.state === 'open' ? new Date(this.openedAt + this.options.openMs) : null;
  }

  async execute<T>(operation: () => Promise<T>): Promise<T> {
    const isProbe = this.admit();
    let outcome: Outcome = 'neutral';
    try {
      const result = await operation();
      outcome = 'success';
      return result;
    } catch (error) {
      outcome = classify(error);
      throw error;
    } finally {
      if (isProbe) this.probeInFlight = false;
      this.settle(outcome);
    }
  }

  /** Throws when the call may not pass; returns whether it is the probe of a half-open breaker. */
  private admit(): boolean {
    const state = this.state;
    if (state === 'closed') return false;
    if (state === 'half-open' && !this.probeInFlight) {
      if (this.current === 'open') this.transition('half-open');
      this.probeInFlight = true;
      return true;
    }
    const retryAt = new Date(
      state === 'open'
        ? this.openedAt + this.options.openMs
        : this.clock().getTime() + Math.min(1000, this.options.openMs),
    );
    throw new ProviderError({
      provider: this.provider,
      kind: 'unavailable',
      code: 'circuit-open',
      retryAt,
      message:
        state === 'open'
          ? `circuit open after ${this.options.failureThreshold} consecutive failures; next probe at ${retryAt.toISOString()}`
          : 'circuit half-open and a probe is already in flight',
    });
  }

  private settle(outcome: Outcome): void {
    if (outcome === 'neutral') return;
    if (outcome === 'failure') {
      this.consecutiveSuccesses = 0;
      this.consecutiveFailures += 1;
      if (
        this.current === 'half-open' ||
        (this.current === 'closed' && this.consecutiveFailures >= this.options.failureThreshold)
      ) {
        this.openedAt = this.clock().getTime();
        this.transition('open');
      }
      return;
    }
    this.consecutiveFailures = 0;
    if (this.current === 'half-open') {
      this.consecutiveSuccesses += 1;
      if (this.consecutiveSuccesses >= this.options.successThreshold) this.transition('closed');
    }
  }

  private transition(next: BreakerState): void {
    if (next === this.current) return;
    const previous = this.current;
    this.current = next;
    this.consecutiveSuccesses = 0;
    if (next === 'closed') this.consecutiveFailures = 0;
    const log = next === 'open' ? this.logger?.warn.bind(this.logger) : this.logger?.info.bind(this.logger);
    log?.({ provider: this.provider, from: previous, to: next }, `${this.provider} circuit ${next}`);
  }
}
