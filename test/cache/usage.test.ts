// Usage writes against the real PostgreSQL: the flush statements change exactly the entries they are
// given (and only their usage columns), and the tracker writes an entry at most once per hour. A
// test-only trigger logs every row update, so "how many writes" is counted by the database itself.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ReadCounter } from '../../src/cache/use-cases/usage/read-counter.ts';
import { recordAlbumUsage, type AlbumUsageRecord } from '../../src/cache/storage/album-cache.ts';
import { recordArtistUsage } from '../../src/cache/storage/artist-cache.ts';
import { recordTrackUsage } from '../../src/cache/storage/track-cache.ts';
import { UsageTracker, type UsageTrackerOptions } from '../../src/cache/use-cases/usage/usage-tracker.ts';
import type { UsageRecord } from '../../src/cache/policy/usage-recorder.ts';
import type { Queryable } from '../../src/db/queryable.ts';
import { openTestDatabase } from '../support/database.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const T0 = new Date('2026-11-26T12:00:00.000Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * MINUTE);

// Usage before the test: never used (every third), or used somewhen around T0 (before or after it).
const SEED = `
INSERT INTO artist_cache (name_key, name, genres, expires_at, last_used_at, use_count)
SELECT 'artist-' || i, 'Artist ' || i, ARRAY['rock'], $1::timestamptz + interval '30 days',
       CASE WHEN i % 3 = 0 THEN NULL ELSE $1::timestamptz + (i % 7 - 3) * interval '1 hour' END, i % 5
  FROM generate_series(1, 600) AS i;
INSERT INTO album_cache (artist_key, title_key, artist_name, title, expires_at, last_used_at, use_count)
SELECT 'artist-' || (i % 20), 'album-' || (i / 20), 'Artist', 'Album', $1::timestamptz + interval '30 days',
       CASE WHEN i % 3 = 0 THEN NULL ELSE $1::timestamptz + (i % 7 - 3) * interval '1 hour' END, i % 5
  FROM generate_series(1, 600) AS i;
INSERT INTO track_cache (rating_key, title, artist_name, artist_key, static_expires_at, stats_expires_at, last_used_at, use_count)
SELECT 't-' || i, 'Track', 'Artist', 'artist-1', $1::timestamptz + interval '30 days', $1::timestamptz + interval '1 day',
       CASE WHEN i % 3 = 0 THEN NULL ELSE $1::timestamptz + (i % 7 - 3) * interval '1 hour' END, i % 5
  FROM generate_series(1, 600) AS i;`;

// Every row update on the three tables, with its entry key: the database's own count of writes.
const WRITE_LOG = `
CREATE TABLE usage_writes (entity text NOT NULL, key text NOT NULL);
CREATE FUNCTION log_usage_write() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r jsonb := to_jsonb(NEW);
BEGIN
  INSERT INTO usage_writes VALUES (TG_TABLE_NAME, CASE TG_TABLE_NAME
    WHEN 'artist_cache' THEN r ->> 'name_key'
    WHEN 'album_cache' THEN (r ->> 'artist_key') || '/' || (r ->> 'title_key')
    ELSE r ->> 'rating_key' END);
  RETURN NULL;
END $$;
CREATE TRIGGER log_artist_writes AFTER UPDATE ON artist_cache FOR EACH ROW EXECUTE FUNCTION log_usage_write();
CREATE TRIGGER log_album_writes AFTER UPDATE ON album_cache FOR EACH ROW EXECUTE FUNCTION log_usage_write();
CREATE TRIGGER log_track_writes AFTER UPDATE ON track_cache FOR EACH ROW EXECUTE FUNCTION log_usage_write();`;

type Row = Record<string, unknown> & { last_used_at: Date | null; use_count: number };

const KEY_OF = {
  artist_cache: 'name_key',
  album_cache: `artist_key || '/' || title_key`,
  track_cache: 'rating_key',
} as const;
type Table = keyof typeof KEY_OF;

/** Every row of a table, whole, by entry key. */
async function snapshot(db: Queryable, table: Table): Promise<Map<string, Row>> {
  const { rows } = await db.query<Row & { entry_key: string }>(`SELECT ${KEY_OF[table]} AS entry_key, * FROM ${table}`);
  return new Map(rows.map(({ entry_key, ...row }) => [entry_key, row as Row]));
}

/** What the flush must do, computed here: later of the two times, uses added, nothing else touched. */
function applyUsage(
  before: Map<string, Row>,
  batch: Array<{ key: string; lastUsedAt: Date; uses: number }>,
): Map<string, Row> {
  const after = new Map([...before].map(([key, row]) => [key, { ...row }]));
  for (const record of batch) {
    const row = after.get(record.key);
    if (!row) continue;
    if (row.last_used_at === null || row.last_used_at.getTime() < record.lastUsedAt.getTime())
      row.last_used_at = record.lastUsedAt;
    row.use_count += record.uses;
  }
  return after;
}

async function writesOf(db: Queryable, entity: Table, key: string): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    'SELECT count(*) AS n FROM usage_writes WHERE entity = $1 AND key = $2',
    [entity, key],
  );
  return Number(rows[0]?.n);
}

async function usageOf(db: Queryable, name: string): Promise<{ lastUsedAt: Date | null; useCount: number }> {
  const { rows } = await db.query<{ lastUsedAt: Date | null; useCount: number }>(
    'SELECT last_used_at AS "lastUsedAt", use_count AS "useCount" FROM artist_cache WHERE name_key = $1',
    [name],
  );
  const row = rows[0];
  if (!row) throw new Error(`no artist ${name}`);
  return row;
}

describe('usage flush statements', () => {
  let db: Awaited<ReturnType<typeof openTestDatabase>>;

  beforeAll(async () => {
    db = await openTestDatabase();
    await db.pool.query(WRITE_LOG);
  });
  beforeEach(async () => {
    await db.pool.query('TRUNCATE artist_cache, album_cache, track_cache, audio_features, usage_writes');
    // A statement with parameters must be sent on its own.
    for (const statement of SEED.split(';').filter((part) => part.trim())) await db.pool.query(statement, [T0]);
  });
  afterAll(async () => {
    await db.close();
  });

  it('write artists: the later time and the added uses, exactly the listed entries, nothing else', async () => {
    const before = await snapshot(db.pool, 'artist_cache');
    const batch: UsageRecord<string>[] = [
      ...Array.from({ length: 150 }, (_, i) => ({
        key: `artist-${i * 4 + 1}`,
        lastUsedAt: at(i - 75),
        uses: 1 + (i % 3),
      })),
      { key: 'artist-3', lastUsedAt: at(-600), uses: 4 }, // never used before
      { key: 'artist-2', lastUsedAt: at(-600), uses: 2 }, // used later than this already: time stays
      { key: 'nobody', lastUsedAt: at(0), uses: 9 }, // no entry: skipped
      { key: 'artist-5', lastUsedAt: at(400), uses: 5 }, // listed twice (also above): both count
    ];
    const written = await recordArtistUsage(db.pool, batch);
    expect(written).toBe(152);
    expect(await snapshot(db.pool, 'artist_cache')).toEqual(applyUsage(before, batch));
    const { rows } = await db.pool.query<{ n: string }>('SELECT count(DISTINCT key) AS n FROM usage_writes');
    expect(Number(rows[0]?.n)).toBe(152);
  });

  it('write albums by (artist_key, title_key), not by title alone', async () => {
    const before = await snapshot(db.pool, 'album_cache');
    // album-1 exists for every artist-N; only artist-3's is listed. artist-3/album-99 does not exist.
    const batch: AlbumUsageRecord[] = [
      { key: { artistKey: 'artist-3', titleKey: 'album-1' }, lastUsedAt: at(30), uses: 3 },
      { key: { artistKey: 'artist-7', titleKey: 'album-12' }, lastUsedAt: at(-500), uses: 1 },
      { key: { artistKey: 'artist-3', titleKey: 'album-99' }, lastUsedAt: at(30), uses: 1 },
      ...Array.from({ length: 40 }, (_, i) => ({
        key: { artistKey: `artist-${i % 20}`, titleKey: `album-${10 + (i % 7)}` },
        lastUsedAt: at(i),
        uses: 2,
      })),
    ];
    await recordAlbumUsage(db.pool, batch);
    const flat = batch.map((record) => ({ ...record, key: `${record.key.artistKey}/${record.key.titleKey}` }));
    expect(await snapshot(db.pool, 'album_cache')).toEqual(applyUsage(before, flat));
    expect(await writesOf(db.pool, 'album_cache', 'artist-4/album-1')).toBe(0);
  });

  it('write tracks by rating key', async () => {
    const before = await snapshot(db.pool, 'track_cache');
    const batch: UsageRecord<string>[] = Array.from({ length: 200 }, (_, i) => ({
      key: `t-${i * 3 + 2}`,
      lastUsedAt: at(i * 3 - 300),
      uses: 1,
    }));
    expect(await recordTrackUsage(db.pool, batch)).toBe(200);
    expect(await snapshot(db.pool, 'track_cache')).toEqual(applyUsage(before, batch));
  });

  it('do nothing for an empty batch', async () => {
    expect(await recordArtistUsage(db.pool, [])).toBe(0);
    expect(await recordAlbumUsage(db.pool, [])).toBe(0);
    expect(await recordTrackUsage(db.pool, [])).toBe(0);
    const { rows } = await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM usage_writes');
    expect(Number(rows[0]?.n)).toBe(0);
  });

  describe('through the UsageTracker', () => {
    const trackers: UsageTracker[] = [];
    const timedErrors: unknown[] = [];
    /** A tracker that reports timed flush failures to the test and is stopped after it. */
    function tracker(options: Partial<UsageTrackerOptions> = {}): UsageTracker {
      const created = new UsageTracker({ db: db.pool, onFlushError: (error) => timedErrors.push(error), ...options });
      trackers.push(created);
      return created;
    }
    afterEach(async () => {
      await Promise.allSettled(trackers.splice(0).map((created) => created.stop()));
      timedErrors.splice(0);
    });

    it('writes each entry at most once per hour, new entries at the next flush, and the rest at stop', async () => {
      let now = T0.getTime();
      const usage = tracker({ clock: () => new Date(now) });
      const initial = await usageOf(db.pool, 'artist-1');
      for (let minute = 0; minute <= 130; minute += 1) {
        now = at(minute).getTime();
        usage.recordArtist('artist-1');
        usage.recordAlbum({ artistKey: 'artist-3', titleKey: 'album-1' });
        usage.recordTrack('t-7', 2);
        if (minute === 5) usage.recordArtist('artist-2');
        await usage.flushDue();
        if (minute === 5) expect(await writesOf(db.pool, 'artist_cache', 'artist-2')).toBe(1);
      }
      // Written at minutes 0, 60 and 120; the reads of minutes 121-130 are still pending.
      expect(await writesOf(db.pool, 'artist_cache', 'artist-1')).toBe(3);
      expect(await writesOf(db.pool, 'album_cache', 'artist-3/album-1')).toBe(3);
      expect(await writesOf(db.pool, 'track_cache', 't-7')).toBe(3);
      expect(await usageOf(db.pool, 'artist-1')).toEqual({ lastUsedAt: at(120), useCount: initial.useCount + 121 });
      expect(usage.pendingCount).toBe(3);

      expect(await usage.stop()).toEqual({ artists: 1, albums: 1, tracks: 1 });
      expect(await writesOf(db.pool, 'artist_cache', 'artist-1')).toBe(4);
      expect(await usageOf(db.pool, 'artist-1')).toEqual({ lastUsedAt: at(130), useCount: initial.useCount + 131 });
      expect(usage.pendingCount).toBe(0);
      const { rows } = await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM usage_writes');
      expect(Number(rows[0]?.n)).toBe(4 + 4 + 4 + 1);
    });

    it('flushes on a one-minute timer once started, and stop() ends the timer', async () => {
      // Only the interval is faked: pg's own timers and vitest's waitFor keep running for real.
      vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
      try {
        const usage = tracker();
        const initial = await usageOf(db.pool, 'artist-10');
        usage.recordArtist('artist-10', 3);
        usage.start();
        expect(vi.getTimerCount()).toBe(1);
        vi.advanceTimersByTime(59_999);
        // A tick would have taken the entry out of pending before the next macrotask.
        await new Promise((resolve) => setImmediate(resolve));
        expect(usage.pendingCount).toBe(1);
        vi.advanceTimersByTime(1);
        await vi.waitFor(async () => expect((await usageOf(db.pool, 'artist-10')).useCount).toBe(initial.useCount + 3));
        usage.recordArtist('artist-10', 2);
        await usage.stop();
        expect(vi.getTimerCount()).toBe(0);
        expect((await usageOf(db.pool, 'artist-10')).useCount).toBe(initial.useCount + 5);
        expect(await writesOf(db.pool, 'artist_cache', 'artist-10')).toBe(2);
        expect(timedErrors).toEqual([]);
      } finally {
        vi.useRealTimers();
      }
    });

    it('never keeps the process alive with its timer', () => {
      const refTimers = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
      const usage = tracker();
      const before = refTimers();
      usage.start();
      expect(refTimers()).toBe(before);
    });

    it('keeps the reads of a table whose write failed, writes the other tables, and reports timed failures', async () => {
      let failTracks = true;
      const flaky: Queryable = {
        query: (async (text: string, values?: unknown[]) => {
          if (failTracks && text.includes('track_cache')) throw new Error('track_cache is locked');
          return await db.pool.query(text, values);
        }) as Queryable['query'],
      };
      const usage = tracker({ db: flaky, flushIntervalMs: 20 });
      const initial = await usageOf(db.pool, 'artist-20');
      usage.recordArtist('artist-20');
      usage.recordTrack('t-20', 4);
      await expect(usage.flushDue()).rejects.toThrow('track_cache is locked');
      expect((await usageOf(db.pool, 'artist-20')).useCount).toBe(initial.useCount + 1);
      expect(await writesOf(db.pool, 'track_cache', 't-20')).toBe(0);

      usage.recordTrack('t-20', 1);
      usage.start();
      await vi.waitFor(() => expect(timedErrors.length).toBeGreaterThan(0), { timeout: 5_000 });
      expect(String(timedErrors[0])).toContain('track_cache is locked');
      failTracks = false;
      await usage.stop();
      const { rows } = await db.pool.query<{ useCount: number }>(
        `SELECT use_count AS "useCount" FROM track_cache WHERE rating_key = 't-20'`,
      );
      // 20 % 5 from the seed, plus the 4 + 1 reads that waited for the table.
      expect(rows[0]?.useCount).toBe(5);
      expect(await writesOf(db.pool, 'track_cache', 't-20')).toBe(1);
    });
  });
});

describe('read hit rate', () => {
  it('counts hits, stale hits and misses since start and over the last 24 hours', () => {
    let now = T0.getTime() + 30 * MINUTE;
    const counter = new ReadCounter(() => new Date(now));
    expect(counter.snapshot()).toEqual({
      since: new Date(now),
      sinceStart: { hits: 0, staleHits: 0, misses: 0, reads: 0, hitRate: null, freshHitRate: null },
      last24Hours: { hits: 0, staleHits: 0, misses: 0, reads: 0, hitRate: null, freshHitRate: null },
    });
    counter.record('hit', 6);
    counter.record('stale');
    counter.record('miss', 3);
    now += 5 * HOUR;
    counter.record('hit', 2);
    expect(counter.snapshot().last24Hours).toEqual({
      hits: 8,
      staleHits: 1,
      misses: 3,
      reads: 12,
      hitRate: 9 / 12,
      freshHitRate: 8 / 12,
    });

    // The first hour's bucket (12:00-13:00) leaves the window when the hour 24 hours later begins.
    now = T0.getTime() + 24 * HOUR - 1;
    expect(counter.snapshot().last24Hours.reads).toBe(12);
    now = T0.getTime() + 24 * HOUR;
    expect(counter.snapshot().last24Hours.reads).toBe(2);
    counter.record('miss');
    const later = counter.snapshot();
    expect(later.last24Hours).toEqual({
      hits: 2,
      staleHits: 0,
      misses: 1,
      reads: 3,
      hitRate: 2 / 3,
      freshHitRate: 2 / 3,
    });
    expect(later.sinceStart).toEqual({
      hits: 8,
      staleHits: 1,
      misses: 4,
      reads: 13,
      hitRate: 9 / 13,
      freshHitRate: 8 / 13,
    });

    // A day without reads empties the window; the next read lands in the bucket last used 48 hours
    // earlier (17:00), which must start from zero.
    now += 29 * HOUR;
    expect(counter.snapshot().last24Hours.reads).toBe(0);
    counter.record('stale');
    expect(counter.snapshot().last24Hours).toEqual({
      hits: 0,
      staleHits: 1,
      misses: 0,
      reads: 1,
      hitRate: 1,
      freshHitRate: 0,
    });
  });

  it('is what the tracker reports for recordRead', () => {
    let now = T0.getTime();
    const tracker = new UsageTracker({
      db: { query: (() => Promise.reject(new Error('unused'))) as Queryable['query'] },
      clock: () => new Date(now),
      onFlushError: () => undefined,
    });
    tracker.recordRead('hit');
    tracker.recordRead('miss');
    now += 25 * HOUR;
    tracker.recordRead('stale');
    const statistics = tracker.readStatistics();
    expect(statistics.since).toEqual(T0);
    expect(statistics.sinceStart.reads).toBe(3);
    expect(statistics.last24Hours).toMatchObject({ hits: 0, staleHits: 1, misses: 0 });
  });
});
