// In-memory progress of one run: counts, rate and ETA; published live (throttled) and persisted
// every 10% or 30 s. The sink decides where it goes (NOTIFY + job_runs, or a test's array).
//
// Rate and ETA come from here alone, so the CLI, the dashboard and subscriptions show the same ones.
// They count only the items that needed work (fetched, or failed trying): an entry answered from the
// cache costs nothing, and counting it made an early ETA several times too optimistic. The rate is
// over a moving window, so it settles again soon after a provider's pause (a 429) ends.
import type { Clock, JobKind, JobStatus } from '../../types.ts';
import type { ListingPosition, ResumePoint } from './resume-point.ts';
import type { RunFailure, SourceCounts } from './runs/run-fields.ts';

export interface ProgressSnapshot {
  runId: number;
  kind: JobKind;
  status: JobStatus;
  current: number;
  total: number;
  /** Items that needed work (fetched, or failed) per second, over the last RATE_WINDOW_MS. */
  rate: number;
  /**
   * Seconds to go: the items left that will need work (the job's estimate, or the share so far), at
   * that rate; null while unknown (no work done yet, or none in the window).
   */
  etaSeconds: number | null;
  sourceCounts: SourceCounts;
  failures: RunFailure[];
  message: string | null;
  startedAt: Date;
  updatedAt: Date;
  /** Where a resumed attempt would start, taken with these counts; absent for a job that keeps none. */
  resumePoint?: ResumePoint;
}

/** What an earlier attempt of the run had counted when its resume point was written. */
export interface CarriedProgress {
  current: number;
  total: number;
  sourceCounts: SourceCounts;
  failures: RunFailure[];
  skipped: number;
}

export interface ProgressSink {
  publish(snapshot: ProgressSnapshot): void;
  persist(snapshot: ProgressSnapshot): Promise<void>;
}

const FAILURE_SAMPLE_SIZE = 20;
/** The rate's moving window: long enough to smooth a page boundary, short enough to follow a pause. */
export const RATE_WINDOW_MS = 60_000;
/** Below this span of samples a rate is too noisy to show (one item at 0.1 s is not 10/s). */
const MIN_RATE_SPAN_MS = 1_000;

interface WorkSample {
  at: number;
  worked: number;
}

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
  /**
   * While a resume point is tracked, persist at least this often (trailing, while items get done): a
   * kill then costs a resumed attempt at most this much listing and re-checking.
   */
  resumePointIntervalMs?: number;
}

export class ProgressReporter {
  private current: number;
  private total: number;
  private readonly sourceCounts: SourceCounts;
  private readonly failures: RunFailure[];
  /** Items that needed work; the rest of `current` were skipped (cached, duplicate, dry run). */
  private worked = 0;
  private skipped = 0;
  /** The job's estimate of how many items will be skipped in all (e.g. the fresh entries it holds). */
  private expectedSkips: number | undefined;
  private readonly samples: WorkSample[];
  private message: string | null = null;
  private status: JobStatus = 'running';
  private readonly startedAt: Date;
  private lastPublishAt = 0;
  private publishTimer: NodeJS.Timeout | undefined;
  private lastPersistAt: number;
  private lastPersistStep = 0;
  private persisting: Promise<void> = Promise.resolve();
  private persistTimer: NodeJS.Timeout | undefined;
  private readPosition: (() => ListingPosition) | undefined;
  /** Items an earlier attempt fetched (or failed): stored now, behind this attempt's listing. */
  private carriedWork = 0;
  private readonly publishIntervalMs: number;
  private readonly resumePointIntervalMs: number;
  private readonly persistIntervalMs: number;
  private readonly persistFraction: number;

  constructor(private readonly options: ProgressOptions) {
    this.current = 0;
    this.total = 0;
    this.sourceCounts = {};
    this.failures = [];
    this.startedAt = options.clock();
    this.samples = [{ at: this.startedAt.getTime(), worked: 0 }];
    this.lastPersistAt = this.startedAt.getTime();
    this.publishIntervalMs = options.publishIntervalMs ?? 250;
    this.persistIntervalMs = options.persistIntervalMs ?? 30_000;
    this.persistFraction = options.persistFraction ?? 0.1;
    this.resumePointIntervalMs = options.resumePointIntervalMs ?? 1_000;
  }

  /**
   * A resumed attempt goes on from the counts of the one before (written with its resume point), so
   * the bar and the totals do not start over; the rate starts afresh with this attempt's own work.
   */
  carryOver(previous: CarriedProgress): void {
    this.current = previous.current;
    this.total = previous.total;
    Object.assign(this.sourceCounts, previous.sourceCounts);
    this.failures.push(...previous.failures.slice(0, FAILURE_SAMPLE_SIZE));
    this.skipped = previous.skipped;
    this.worked = Math.max(0, previous.current - previous.skipped);
    this.carriedWork = this.worked;
    this.samples.splice(0, this.samples.length, { at: this.startedAt.getTime(), worked: this.worked });
    this.lastPersistStep = this.step();
  }

  /**
   * Items earlier attempts of this run fetched or failed. A warm that counts the fresh entries of the
   * cache to estimate its skips subtracts these: they are fresh now, but behind the resumed listing.
   */
  get fetchedBefore(): number {
    return this.carriedWork;
  }

  /**
   * The job keeps a resume point: `read` gives its listing position, taken with every persisted
   * snapshot. The job must update what `read` returns in the same synchronous step as the counts.
   */
  trackResumePoint(read: () => ListingPosition): void {
    this.readPosition = read;
  }

  setTotal(total: number): void {
    this.total = total;
    this.changed();
  }

  addToTotal(count: number): void {
    this.total += count;
    this.changed();
  }

  /** One or more items done with work (fetched), each counted under the given sources (e.g. ['plex', 'lastfm']). */
  advance(count = 1, sources: readonly string[] = []): void {
    if (count === 0) return;
    this.recordWork(count);
    this.done(count, sources);
  }

  /** Items done without work (['cached'], ['duplicate'], a dry run's ['would-fetch']): not in the rate. */
  skip(count: number, sources: readonly string[]): void {
    if (count === 0) return;
    this.skipped += count;
    this.done(count, sources);
  }

  /**
   * How many of the total the job expects to skip in all, e.g. the fresh entries the cache holds when a
   * warm starts. Without it the ETA assumes the items to come are skipped as often as those done so far.
   */
  expectSkips(count: number): void {
    this.expectedSkips = count;
    this.changed();
  }

  count(source: string, count = 1): void {
    this.sourceCounts[source] = (this.sourceCounts[source] ?? 0) + count;
    this.changed();
  }

  /** One item failed: counted under `failed`, with a sample of reasons kept for the run. */
  fail(entity: string, reason: string): void {
    this.recordWork(1);
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
    const rate = this.windowRate(now.getTime());
    const remaining = Math.max(0, this.total - this.current);
    const remainingWork =
      this.expectedSkips !== undefined
        ? Math.max(0, remaining - Math.max(0, this.expectedSkips - this.skipped))
        : // Of the items still to come, about as many will need work as of those done so far.
          remaining * (this.current > 0 ? this.worked / this.current : 1);
    let etaSeconds: number | null = null;
    if (this.total > 0 && remainingWork === 0) etaSeconds = 0;
    else if (this.total > 0 && rate > 0) etaSeconds = Math.round(remainingWork / rate);
    return {
      runId: this.options.runId,
      kind: this.options.kind,
      status: this.status,
      current: this.current,
      total: this.total,
      rate: Math.round(rate * 100) / 100,
      etaSeconds,
      sourceCounts: { ...this.sourceCounts },
      failures: [...this.failures],
      message: this.message,
      startedAt: this.startedAt,
      updatedAt: now,
      ...(this.readPosition ? { resumePoint: { ...this.readPosition(), skipped: this.skipped } } : {}),
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
    this.clearPersistTimer();
    await this.persisting;
  }

  private done(count: number, sources: readonly string[]): void {
    this.current += count;
    for (const source of sources) this.sourceCounts[source] = (this.sourceCounts[source] ?? 0) + count;
    this.changed();
  }

  private recordWork(count: number): void {
    this.worked += count;
    const at = this.options.clock().getTime();
    this.samples.push({ at, worked: this.worked });
    this.pruneSamples(at);
  }

  /** Keeps the newest sample at or before the window's start, and every sample after it. */
  private pruneSamples(now: number): void {
    const windowStart = now - RATE_WINDOW_MS;
    while (this.samples.length > 1 && (this.samples[1] as WorkSample).at <= windowStart) this.samples.shift();
  }

  private windowRate(now: number): number {
    this.pruneSamples(now);
    const oldest = this.samples[0] as WorkSample;
    const windowStart = Math.max(oldest.at, now - RATE_WINDOW_MS);
    const span = now - windowStart;
    if (span < MIN_RATE_SPAN_MS) return 0;
    // Work after the window's start: the oldest sample's count was reached at or before it.
    return (this.worked - oldest.worked) / (span / 1000);
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
    const sincePersist = now - this.lastPersistAt;
    if (this.step() > this.lastPersistStep || sincePersist >= this.persistIntervalMs) this.persistNow();
    else if (this.readPosition) {
      if (sincePersist >= this.resumePointIntervalMs) this.persistNow();
      else
        this.persistTimer ??= setTimeout(() => {
          this.persistTimer = undefined;
          this.persistNow();
        }, this.resumePointIntervalMs - sincePersist);
    }
  }

  private step(): number {
    return this.total > 0 ? Math.floor(this.current / (this.total * this.persistFraction)) : 0;
  }

  private publishNow(): void {
    this.lastPublishAt = this.options.clock().getTime();
    this.options.sink.publish(this.snapshot());
  }

  private persistNow(): void {
    this.clearPersistTimer();
    const snapshot = this.snapshot();
    this.lastPersistAt = snapshot.updatedAt.getTime();
    this.lastPersistStep = this.step();
    // Writes are chained so they land in order; a failed write is the sink's to report.
    this.persisting = this.persisting.then(() => this.options.sink.persist(snapshot)).catch(() => undefined);
  }

  private clearTimer(): void {
    if (this.publishTimer) clearTimeout(this.publishTimer);
    this.publishTimer = undefined;
  }

  private clearPersistTimer(): void {
    if (this.persistTimer) clearTimeout(this.persistTimer);
    this.persistTimer = undefined;
  }
}
