// Records reads of cache entries (`last_used_at`, `use_count`) without one write per read: reads
// accumulate in memory and each entry is written at most once per interval (an hour by default). An
// entry not written recently is written at the next flush, so a cold entry that is wanted again turns
// hot in the database quickly, which is what the refresh planner needs to see.
import { systemClock, type Clock } from '../../types.ts';

export interface UsageRecord<K extends string> {
  key: K;
  lastUsedAt: Date;
  /** Reads since the last write: added to `use_count`. */
  uses: number;
}

/** Writes one batch (the store's bulk UPDATE); must be all-or-nothing. */
export type UsageFlush<K extends string> = (batch: UsageRecord<K>[]) => Promise<void>;

export interface UsageRecorderOptions<K extends string> {
  flush: UsageFlush<K>;
  clock?: Clock;
  /** At most one write per entry per this many milliseconds. */
  minWriteIntervalMs?: number;
}

interface Pending {
  lastUsedAt: number;
  uses: number;
}

export const DEFAULT_USAGE_WRITE_INTERVAL_MS = 3_600_000;

export class UsageRecorder<K extends string> {
  private readonly pending = new Map<K, Pending>();
  private readonly lastWritten = new Map<K, number>();
  private readonly flushBatch: UsageFlush<K>;
  private readonly clock: Clock;
  private readonly interval: number;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: UsageRecorderOptions<K>) {
    this.flushBatch = options.flush;
    this.clock = options.clock ?? systemClock;
    this.interval = options.minWriteIntervalMs ?? DEFAULT_USAGE_WRITE_INTERVAL_MS;
  }

  /** Notes one read (or `uses` reads) of the entry now. Never does I/O. */
  record(key: K, uses = 1): void {
    this.add(key, this.clock().getTime(), uses);
  }

  /** Notes one read of each key (a key twice: two reads), all at one instant: a lookup's answers, with one clock reading. */
  recordEach(keys: readonly K[]): void {
    const now = this.clock().getTime();
    for (const key of keys) this.add(key, now, 1);
  }

  private add(key: K, now: number, uses: number): void {
    const entry = this.pending.get(key);
    if (entry === undefined) this.pending.set(key, { lastUsedAt: now, uses });
    else {
      entry.lastUsedAt = Math.max(entry.lastUsedAt, now);
      entry.uses += uses;
    }
  }

  /** Entries with reads not yet written. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Writes the entries not written within the interval; the rest keep accumulating. Resolves to the number written. */
  flushDue(): Promise<number> {
    return this.enqueue(false);
  }

  /** Writes everything pending regardless of the interval (at shutdown). */
  flushAll(): Promise<number> {
    return this.enqueue(true);
  }

  // Flushes run one after another, so two timers can never write the same entry twice.
  private enqueue(force: boolean): Promise<number> {
    const run = this.queue.then(() => this.flush(force));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async flush(force: boolean): Promise<number> {
    const now = this.clock().getTime();
    const batch: UsageRecord<K>[] = [];
    for (const [key, entry] of this.pending) {
      const written = this.lastWritten.get(key);
      if (force || written === undefined || now - written >= this.interval) {
        batch.push({ key, lastUsedAt: new Date(entry.lastUsedAt), uses: entry.uses });
      }
    }
    for (const [key, written] of this.lastWritten) {
      if (now - written >= this.interval) this.lastWritten.delete(key);
    }
    if (batch.length === 0) return 0;
    for (const record of batch) this.pending.delete(record.key);
    try {
      await this.flushBatch(batch);
    } catch (error) {
      // Nothing was written: put the reads back (merged with any that arrived meanwhile) for the next flush.
      for (const record of batch) {
        const entry = this.pending.get(record.key);
        if (entry === undefined)
          this.pending.set(record.key, { lastUsedAt: record.lastUsedAt.getTime(), uses: record.uses });
        else {
          entry.lastUsedAt = Math.max(entry.lastUsedAt, record.lastUsedAt.getTime());
          entry.uses += record.uses;
        }
      }
      throw error;
    }
    for (const record of batch) this.lastWritten.set(record.key, now);
    return batch.length;
  }
}
