// The API's side of usage: one UsageRecorder per table (reads become at most one write per entry per
// hour), a timer that writes what is due every minute, and the hit-rate counter of API reads. The
// service creates one per process, calls start(), and stop() at shutdown so no recorded read is lost.
import type { Queryable } from '../../../db/queryable.ts';
import { systemClock, type Clock } from '../../../types.ts';
import { albumKeyString, type AlbumKey } from '../../storage/album-cache.ts';
import { DEFAULT_USAGE_WRITE_INTERVAL_MS, UsageRecorder } from '../../policy/usage-recorder.ts';
import { ReadCounter, type ReadOutcome, type ReadStatistics } from './read-counter.ts';
import { recordAlbumUsage } from '../../storage/album-cache.ts';
import { recordArtistUsage } from '../../storage/artist-cache.ts';
import { recordTrackUsage } from '../../storage/track-cache.ts';

export interface UsageTrackerOptions {
  db: Queryable;
  /** A failed timed flush: its reads are kept and written by the next flush. */
  onFlushError: (error: unknown) => void;
  clock?: Clock;
  /** How often the timer writes what is due (default a minute). */
  flushIntervalMs?: number;
  /** At most one write per entry per this many milliseconds (default an hour). */
  minWriteIntervalMs?: number;
}

/** Entries written per table by one flush. */
export interface UsageFlushCounts {
  artists: number;
  albums: number;
  tracks: number;
}

const DEFAULT_USAGE_FLUSH_INTERVAL_MS = 60_000;

// albumKeyString joins with NUL, which PostgreSQL text can never contain, so the split is exact.
function parseAlbumKey(key: string): AlbumKey {
  const at = key.indexOf('\u0000');
  return { artistKey: key.slice(0, at), titleKey: key.slice(at + 1) };
}

export class UsageTracker {
  private readonly artists: UsageRecorder<string>;
  private readonly albums: UsageRecorder<string>;
  private readonly tracks: UsageRecorder<string>;
  private readonly reads: ReadCounter;
  private readonly flushIntervalMs: number;
  private readonly onFlushError: (error: unknown) => void;
  private timer: NodeJS.Timeout | undefined;
  private timedFlush: Promise<unknown> | undefined;

  constructor(options: UsageTrackerOptions) {
    const { db } = options;
    const clock = options.clock ?? systemClock;
    const recorder = { clock, minWriteIntervalMs: options.minWriteIntervalMs ?? DEFAULT_USAGE_WRITE_INTERVAL_MS };
    this.artists = new UsageRecorder({
      ...recorder,
      flush: async (batch) => void (await recordArtistUsage(db, batch)),
    });
    this.albums = new UsageRecorder({
      ...recorder,
      flush: async (batch) =>
        void (await recordAlbumUsage(
          db,
          batch.map((record) => ({ ...record, key: parseAlbumKey(record.key) })),
        )),
    });
    this.tracks = new UsageRecorder({ ...recorder, flush: async (batch) => void (await recordTrackUsage(db, batch)) });
    this.reads = new ReadCounter(clock);
    this.flushIntervalMs = options.flushIntervalMs ?? DEFAULT_USAGE_FLUSH_INTERVAL_MS;
    this.onFlushError = options.onFlushError;
  }

  recordArtist(nameKey: string, uses = 1): void {
    this.artists.record(nameKey, uses);
  }

  /** One read of each artist a lookup answered, in one go. */
  recordArtists(nameKeys: readonly string[]): void {
    this.artists.recordEach(nameKeys);
  }

  /** One read of each album a lookup answered, in one go. */
  recordAlbums(keys: readonly AlbumKey[]): void {
    this.albums.recordEach(keys.map(albumKeyString));
  }

  recordAlbum(key: AlbumKey, uses = 1): void {
    this.albums.record(albumKeyString(key), uses);
  }

  recordTrack(ratingKey: string, uses = 1): void {
    this.tracks.record(ratingKey, uses);
  }

  /** One API read's outcome, for the hit rate. */
  recordRead(outcome: ReadOutcome, count = 1): void {
    this.reads.record(outcome, count);
  }

  readStatistics(): ReadStatistics {
    return this.reads.snapshot();
  }

  /** Entries with reads not yet written, all tables together. */
  get pendingCount(): number {
    return this.artists.pendingCount + this.albums.pendingCount + this.tracks.pendingCount;
  }

  /** Starts the timer; it never keeps the process alive. */
  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => this.tick(), this.flushIntervalMs);
    this.timer.unref();
  }

  /** Writes the entries not written within the last hour. */
  flushDue(): Promise<UsageFlushCounts> {
    return this.flush((recorder) => recorder.flushDue());
  }

  /** Writes everything pending (at shutdown). */
  flushAll(): Promise<UsageFlushCounts> {
    return this.flush((recorder) => recorder.flushAll());
  }

  /** Stops the timer and writes everything pending. */
  async stop(): Promise<UsageFlushCounts> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.timedFlush;
    return await this.flushAll();
  }

  // A slow database must not pile up timed flushes: a tick while one is running is skipped.
  private tick(): void {
    if (this.timedFlush !== undefined) return;
    this.timedFlush = this.flushDue()
      .catch((error: unknown) => this.onFlushError(error))
      .finally(() => (this.timedFlush = undefined));
  }

  // Every table is flushed even if another fails; each recorder keeps its failed batch for the next
  // flush, so reporting the first failure loses no reads.
  private async flush(run: (recorder: UsageRecorder<string>) => Promise<number>): Promise<UsageFlushCounts> {
    const [artists, albums, tracks] = await Promise.allSettled([run(this.artists), run(this.albums), run(this.tracks)]);
    const failed = [artists, albums, tracks].find((result) => result.status === 'rejected');
    if (failed) {
      const reason: unknown = failed.reason;
      throw reason;
    }
    const value = (result: PromiseSettledResult<number>) => (result.status === 'fulfilled' ? result.value : 0);
    return { artists: value(artists), albums: value(albums), tracks: value(tracks) };
  }
}
