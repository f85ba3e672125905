// In-memory progress of one run: counts, rate and ETA; published live (throttled) and persisted
// every 10% or 30 s. The sink decides where it goes (NOTIFY + job_runs, or a test's array).
import type { Clock, JobKind, JobStatus } from '../types.ts';
import type { RunFailure, SourceCounts } from './runs/run-record.ts';

export interface ProgressSnapshot {
  runId: number;
  kind: JobKind;
  status: JobStatus;
  current: number;
  total: number;
  /** Items per second since the run started in this process. */
  rate: number;
  /** Seconds to go at the current rate; null while unknown. */
  etaSeconds: number | null;
  sourceCounts: SourceCounts;
  failures: RunFailure[];
  message: string | null;
  startedAt: Date;
  updatedAt: Date;
}

export interface ProgressSink {
  publish(snapshot: ProgressSnapshot): void;
  persist(snapshot: ProgressSnapshot): Promise<void>;
}

const FAILURE_SAMPLE_SIZE = 20;

export interface ProgressOptions {
  runId: number;
  kind: JobKind;
  clock: Clock;
  sink: ProgressSink;
  /** At most one live event per this many ms (a few a second). */
  publishIntervalMs?: number;
  persistIntervalMs?: number;
  /** Persist whenever progress crosses another multiple of this fraction of the total. */
  persistFraction?: number;
}

export class ProgressReporter {
  private current: number;
  private total: number;
  private readonly sourceCounts: SourceCounts;
  private readonly failures: RunFailure[];
  private message: string | null = null;
  private status: JobStatus = 'running';
  private readonly startedAt: Date;
  private lastPublishAt = 0;
  private publishTimer: NodeJS.Timeout | undefined;
  private lastPersistAt: number;
  private lastPersistStep = 0;
  private persisting: Promise<void> = Promise.resolve();
  private readonly publishIntervalMs: number;
  private readonly persistIntervalMs: number;
  private readonly persistFraction: number;

  constructor(private readonly options: ProgressOptions) {
    this.current = 0;
    this.total = 0;
    this.sourceCounts = {};
    this.failures = [];
    this.startedAt = options.clock();
    this.lastPersistAt = this.startedAt.getTime();
    this.publishIntervalMs = options.publishIntervalMs ?? 250;
    this.persistIntervalMs = options.persistIntervalMs ?? 30_000;
    this.persistFraction = options.persistFraction ?? 0.1;
  }

  setTotal(total: number): void {
    this.total = total;
    this.changed();
  }

  addToTotal(count: number): void {
    this.total += count;
    this.changed();
  }

  /** One or more items done, each counted under the given sources (e.g. ['plex', 'lastfm'] or ['cached']). */
  advance(count = 1, sources: readonly string[] = []): void {
    if (count === 0) return;
    this.current += count;
    for (const source of sources) this.sourceCounts[source] = (this.sourceCounts[source] ?? 0) + count;
    this.changed();
  }

  count(source: string, count = 1): void {
    this.sourceCounts[source] = (this.sourceCounts[source] ?? 0) + count;
    this.changed();
  }

  /** One item failed: counted under `failed`, with a sample of reasons kept for the run. */
  fail(entity: string, reason: string): void {
    this.current += 1;
    this.sourceCounts.failed = (this.sourceCounts.failed ?? 0) + 1;
    if (this.failures.length < FAILURE_SAMPLE_SIZE) this.failures.push({ entity, reason });
    this.changed();
  }

  setMessage(message: string | null): void {
    this.message = message;
    this.changed();
  }

  snapshot(): ProgressSnapshot {
    const now = this.options.clock();
    const elapsedSeconds = Math.max(0.001, (now.getTime() - this.startedAt.getTime()) / 1000);
    const rate = this.current / elapsedSeconds;
    const remaining = Math.max(0, this.total - this.current);
    return {
      runId: this.options.runId,
      kind: this.options.kind,
      status: this.status,
      current: this.current,
      total: this.total,
      rate: Math.round(rate * 100) / 100,
      etaSeconds: rate > 0 && this.total > 0 ? Math.round(remaining / rate) : null,
      sourceCounts: { ...this.sourceCounts },
      failures: [...this.failures],
      message: this.message,
      startedAt: this.startedAt,
      updatedAt: now,
    };
  }

  /** Publishes and persists now, e.g. at the end of a run; resolves when persisted. */
  async flush(status?: JobStatus): Promise<void> {
    if (status) this.status = status;
    this.clearTimer();
    this.publishNow();
    this.persistNow();
    await this.persisting;
  }

  /**
   * Stops pending timers without publishing (the run's final event is published by its finisher) and
   * resolves once writes already in flight have landed, so none can land after the final status.
   */
  async dispose(): Promise<void> {
    this.clearTimer();
    await this.persisting;
  }

  private changed(): void {
    const now = this.options.clock().getTime();
    const sinceLast = now - this.lastPublishAt;
    if (sinceLast >= this.publishIntervalMs) {
      this.clearTimer();
      this.publishNow();
    } else {
      this.publishTimer ??= setTimeout(() => {
        this.publishTimer = undefined;
        this.publishNow();
      }, this.publishIntervalMs - sinceLast);
    }
    const step = this.total > 0 ? Math.floor(this.current / (this.total * this.persistFraction)) : 0;
    if (step > this.lastPersistStep || now - this.lastPersistAt >= this.persistIntervalMs) this.persistNow();
  }

  private publishNow(): void {
    this.lastPublishAt = this.options.clock().getTime();
    this.options.sink.publish(this.snapshot());
  }

  private persistNow(): void {
    const snapshot = this.snapshot();
    this.lastPersistAt = snapshot.updatedAt.getTime();
    this.lastPersistStep = this.total > 0 ? Math.floor(this.current / (this.total * this.persistFraction)) : 0;
    // Writes are chained so they land in order; a failed write is the sink's to report.
    this.persisting = this.persisting.then(() => this.options.sink.persist(snapshot)).catch(() => undefined);
  }

  private clearTimer(): void {
    if (this.publishTimer) clearTimeout(this.publishTimer);
    this.publishTimer = undefined;
  }
}
