// Each provider's own limit, enforced the way the provider enforces it: a sliding window over arrivals.
// How a refusal looks (Last.fm error 29, Spotify 429 + Retry-After, MusicBrainz 503) is up to each simulator.

export interface RateLimitRule {
  /** Requests accepted per window. */
  limit: number;
  windowMs: number;
  /**
   * Shrinks the window by this much, so a client spacing requests exactly `windowMs / limit` apart is not
   * refused for a few milliseconds of network jitter between its send and our arrival time.
   */
  toleranceMs?: number;
}

/** The limits each real provider publishes or is observed to apply. */
export const PROVIDER_RATE_LIMITS = {
  /** "5 requests per originating IP address per second" (historic ToS 4.4); refused with error 29. */
  lastfm: { limit: 5, windowMs: 1000 },
  /** "never make more than ONE call per second"; refused with 503. */
  musicbrainz: { limit: 1, windowMs: 1000, toleranceMs: 25 },
  /** A rolling 30-second window, size unpublished; refused with 429 and a Retry-After of a few seconds. */
  spotify: { limit: 90, windowMs: 30_000 },
  /** The development-mode daily quota: rolling ~24 h, size unpublished (hundreds to low thousands). */
  spotifyDailyQuota: { limit: 2000, windowMs: 86_400_000 },
} as const satisfies Record<string, RateLimitRule>;

export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

export class SlidingWindowLimiter {
  private readonly arrivals = new Map<string, number[]>();

  constructor(
    private rule: RateLimitRule | undefined,
    private readonly now: () => number,
  ) {}

  /** undefined turns the limit off. */
  setRule(rule: RateLimitRule | undefined): void {
    this.rule = rule;
    this.arrivals.clear();
  }

  get currentRule(): RateLimitRule | undefined {
    return this.rule;
  }

  /** Counts the request against `key` when it is allowed; refused requests do not use up the window. */
  tryAcquire(key: string): RateLimitDecision {
    const rule = this.rule;
    if (rule === undefined) return { allowed: true };
    const now = this.now();
    const window = Math.max(1, rule.windowMs - (rule.toleranceMs ?? 0));
    const times = this.arrivals.get(key) ?? [];
    let expired = 0;
    while (expired < times.length && (times[expired] ?? 0) <= now - window) expired++;
    if (expired > 0) times.splice(0, expired);
    if (times.length >= rule.limit) {
      const oldest = times[times.length - rule.limit] ?? now;
      return { allowed: false, retryAfterMs: Math.max(1, oldest + window - now) };
    }
    times.push(now);
    this.arrivals.set(key, times);
    return { allowed: true };
  }

  reset(): void {
    this.arrivals.clear();
  }
}
