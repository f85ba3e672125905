// Outcomes of API reads of cache entries, in memory: since the process started and over the last 24
// hours. The window is kept as 24 hour buckets (the current hour and the 23 before it), so "last 24
// hours" covers between 23 and 24 hours and costs constant memory whatever the traffic.
import { systemClock, type Clock } from '../../../types.ts';

import type { ReadOutcome } from '../../policy/freshness.ts';

export type { ReadOutcome };

export interface ReadCounts {
  hits: number;
  staleHits: number;
  misses: number;
  reads: number;
  /** (hits + stale hits) / reads: answered from the cache; null before the first read. */
  hitRate: number | null;
  /** hits / reads: answered fresh; null before the first read. */
  freshHitRate: number | null;
}

export interface ReadStatistics {
  /** When counting started (the process start, in practice). */
  since: Date;
  sinceStart: ReadCounts;
  last24Hours: ReadCounts;
}

interface Bucket {
  hour: number;
  hit: number;
  stale: number;
  miss: number;
}

const HOUR_MS = 3_600_000;
const WINDOW_HOURS = 24;

function emptyBucket(hour: number): Bucket {
  return { hour, hit: 0, stale: 0, miss: 0 };
}

function counts(hit: number, stale: number, miss: number): ReadCounts {
  const reads = hit + stale + miss;
  return {
    hits: hit,
    staleHits: stale,
    misses: miss,
    reads,
    hitRate: reads === 0 ? null : (hit + stale) / reads,
    freshHitRate: reads === 0 ? null : hit / reads,
  };
}

export class ReadCounter {
  private readonly clock: Clock;
  private readonly since: Date;
  private readonly total = emptyBucket(0);
  private readonly buckets: Bucket[];

  constructor(clock: Clock = systemClock) {
    this.clock = clock;
    this.since = clock();
    this.buckets = Array.from({ length: WINDOW_HOURS }, () => emptyBucket(Number.NEGATIVE_INFINITY));
  }

  record(outcome: ReadOutcome, count = 1): void {
    const hour = Math.floor(this.clock().getTime() / HOUR_MS);
    const slot = ((hour % WINDOW_HOURS) + WINDOW_HOURS) % WINDOW_HOURS;
    let bucket = this.buckets[slot] as Bucket;
    if (bucket.hour !== hour) {
      bucket = emptyBucket(hour);
      this.buckets[slot] = bucket;
    }
    bucket[outcome] += count;
    this.total[outcome] += count;
  }

  snapshot(): ReadStatistics {
    const hour = Math.floor(this.clock().getTime() / HOUR_MS);
    let hit = 0;
    let stale = 0;
    let miss = 0;
    for (const bucket of this.buckets) {
      if (bucket.hour > hour - WINDOW_HOURS && bucket.hour <= hour) {
        hit += bucket.hit;
        stale += bucket.stale;
        miss += bucket.miss;
      }
    }
    return {
      since: this.since,
      sinceStart: counts(this.total.hit, this.total.stale, this.total.miss),
      last24Hours: counts(hit, stale, miss),
    };
  }
}
