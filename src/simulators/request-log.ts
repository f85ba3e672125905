// Every request a simulator saw, for tests to assert on: who was called, how often, how fast, with what.
import type { ProviderName } from '../types.ts';

/** Request headers worth asserting on; everything else is dropped to keep the log small. */
export const LOGGED_HEADERS = [
  'user-agent',
  'accept',
  'authorization',
  'content-type',
  'x-plex-token',
  'x-plex-container-start',
  'x-plex-container-size',
  'x-plex-client-identifier',
  'x-plex-product',
] as const;

export type LoggedHeader = (typeof LOGGED_HEADERS)[number];

export interface LoggedRequest {
  provider: ProviderName;
  method: string;
  /** The path as decoded by the server (e.g. `/ws/2/artist/…`). */
  path: string;
  /** Decoded query parameters (the first value of each). */
  query: Record<string, string>;
  headers: Partial<Record<LoggedHeader, string>>;
  /** 0 when no response was written (connection reset, or the client gave up during a stall). */
  status: number;
  /** Arrival time, ms since the epoch on the simulator's clock. Rate limits count arrivals. */
  startedAt: number;
  durationMs: number;
  /** The injected fault, if any (`status`, `stall`, `reset`, `malformed`, `truncated`, `api-error`). */
  fault?: string;
  /** Why the simulator answered as it did, when it was not a plain success (e.g. `rate-limited`, `unauthorised`). */
  note?: string;
}

export interface RequestFilter {
  provider?: ProviderName;
  method?: string;
  /** An exact path, or a pattern. */
  path?: string | RegExp;
  status?: number | ((status: number) => boolean);
  /** Only requests that arrived at or after this time (ms). */
  since?: number;
  /** A query parameter that must be present, with this value when given. */
  query?: Record<string, string | undefined>;
}

export type RequestPredicate = (entry: LoggedRequest) => boolean;

function toPredicate(filter: RequestFilter | RequestPredicate | undefined): RequestPredicate {
  if (filter === undefined) return () => true;
  if (typeof filter === 'function') return filter;
  return (entry) => {
    if (filter.provider !== undefined && entry.provider !== filter.provider) return false;
    if (filter.method !== undefined && entry.method !== filter.method.toUpperCase()) return false;
    if (filter.path !== undefined) {
      if (typeof filter.path === 'string' ? entry.path !== filter.path : !filter.path.test(entry.path)) return false;
    }
    if (filter.status !== undefined) {
      if (typeof filter.status === 'number' ? entry.status !== filter.status : !filter.status(entry.status))
        return false;
    }
    if (filter.since !== undefined && entry.startedAt < filter.since) return false;
    if (filter.query !== undefined) {
      for (const [name, value] of Object.entries(filter.query)) {
        if (!(name in entry.query)) return false;
        if (value !== undefined && entry.query[name] !== value) return false;
      }
    }
    return true;
  };
}

interface Waiter {
  predicate: RequestPredicate;
  /** Matching entries still to come. */
  remaining: number;
  resolve: () => void;
}

export class RequestLog {
  private readonly items: LoggedRequest[] = [];
  private readonly waiters = new Set<Waiter>();

  /** Oldest entries are dropped past `maxEntries`, so a long benchmark cannot exhaust memory. */
  constructor(private readonly maxEntries = 1_000_000) {}

  record(entry: LoggedRequest): void {
    this.items.push(entry);
    // Trimmed in batches, so a full log does not shift a million entries on every request.
    if (this.items.length > this.maxEntries * 1.1) this.items.splice(0, this.items.length - this.maxEntries);
    for (const waiter of this.waiters) {
      if (!waiter.predicate(entry)) continue;
      waiter.remaining--;
      if (waiter.remaining <= 0) {
        this.waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }

  get entries(): readonly LoggedRequest[] {
    return this.items;
  }

  clear(): void {
    this.items.length = 0;
  }

  filter(filter?: RequestFilter | RequestPredicate): LoggedRequest[] {
    return this.items.filter(toPredicate(filter));
  }

  count(filter?: RequestFilter | RequestPredicate): number {
    const predicate = toPredicate(filter);
    let total = 0;
    for (const entry of this.items) if (predicate(entry)) total++;
    return total;
  }

  countByPath(filter?: RequestFilter | RequestPredicate): Map<string, number> {
    const counts = new Map<string, number>();
    for (const entry of this.filter(filter)) counts.set(entry.path, (counts.get(entry.path) ?? 0) + 1);
    return counts;
  }

  countByProvider(filter?: RequestFilter | RequestPredicate): Map<ProviderName, number> {
    const counts = new Map<ProviderName, number>();
    for (const entry of this.filter(filter)) counts.set(entry.provider, (counts.get(entry.provider) ?? 0) + 1);
    return counts;
  }

  /** Counts per value of one query parameter (e.g. Last.fm's `method`, or `artist` to spot duplicate lookups). */
  countByQuery(parameter: string, filter?: RequestFilter | RequestPredicate): Map<string, number> {
    const counts = new Map<string, number>();
    for (const entry of this.filter(filter)) {
      const value = entry.query[parameter];
      if (value !== undefined) counts.set(value, (counts.get(value) ?? 0) + 1);
    }
    return counts;
  }

  /** The most requests (by arrival) that fell into any window of `windowMs`: the rate a provider actually saw. */
  maxInWindow(windowMs = 1000, filter?: RequestFilter | RequestPredicate): number {
    const times = this.filter(filter)
      .map((entry) => entry.startedAt)
      .sort((a, b) => a - b);
    let best = 0;
    let first = 0;
    for (let last = 0; last < times.length; last++) {
      while ((times[last] ?? 0) - (times[first] ?? 0) >= windowMs) first++;
      best = Math.max(best, last - first + 1);
    }
    return best;
  }

  /** Resolves once `count` matching requests have been logged (a condition to wait for, instead of a sleep). */
  waitFor(filter: RequestFilter | RequestPredicate, count = 1, timeoutMs = 10_000): Promise<void> {
    const predicate = toPredicate(filter);
    const already = this.count(predicate);
    if (already >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        predicate,
        remaining: count - already,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${count} logged request(s)`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }
}
