// Point reads batched across requests, against the real PostgreSQL: reads asked in the same turn of the
// event loop share one statement and each gets its own row (or null), and nothing is kept between
// batches, so a read after a committed write sees the write.
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEntryPointReads } from '../../src/cache/use-cases/entry-point-reads.ts';
import type { Queryable } from '../../src/db/queryable.ts';
import { openTestDatabase } from '../support/database.ts';

const EXPIRES = new Date('2027-01-01T00:00:00.000Z');

describe('entry point reads', () => {
  let db: Awaited<ReturnType<typeof openTestDatabase>>;
  const statements: string[] = [];
  // The pool itself, with each statement it is sent written down.
  let counted: Queryable;
  beforeAll(async () => {
    db = await openTestDatabase();
    const pool: pg.Pool = db.pool;
    counted = {
      query: ((query: string | pg.QueryConfig, values?: unknown[]) => {
        statements.push(typeof query === 'string' ? query : query.text);
        return pool.query(query, values);
      }) as Queryable['query'],
    };
    for (let index = 0; index < 30; index += 1)
      await db.pool.query(
        `INSERT INTO artist_cache (name_key, name, genres, source, status, expires_at) VALUES ($1, $1, '{rock}', '{lastfm}', 'ok', $2)`,
        [`artist ${index}`, EXPIRES],
      );
    await db.pool.query(
      `INSERT INTO album_cache (artist_key, title_key, artist_name, title, genres, source, status, expires_at)
       VALUES ('artist 1', 'first', 'artist 1', 'First', '{rock}', '{lastfm}', 'ok', $1)`,
      [EXPIRES],
    );
    await db.pool.query(
      `INSERT INTO track_cache (rating_key, title, artist_name, artist_key, static_expires_at, stats_expires_at)
       VALUES ('501', 'One', 'artist 1', 'artist 1', $1, $1)`,
      [EXPIRES],
    );
  });
  afterAll(async () => {
    await db.close();
  });

  it('answer reads asked together with one statement per table, each its own row or null', async () => {
    const reads = createEntryPointReads(counted);
    statements.length = 0;
    const keys = [...Array.from({ length: 30 }, (_, index) => `artist ${index}`), 'nobody', 'artist 3'];
    const [artists, album, noAlbum, track] = await Promise.all([
      Promise.all(keys.map((key) => reads.artist(key))),
      reads.album({ artistKey: 'artist 1', titleKey: 'first' }),
      reads.album({ artistKey: 'artist 1', titleKey: 'second' }),
      reads.track('501'),
    ]);
    expect(artists.map((artist) => artist?.nameKey ?? null)).toEqual(
      keys.map((key) => (key === 'nobody' ? null : key)),
    );
    expect(album?.title).toBe('First');
    expect(noAlbum).toBeNull();
    expect(track?.title).toBe('One');
    expect(statements.filter((text) => text.includes('FROM artist_cache'))).toHaveLength(1);
    expect(statements.filter((text) => text.includes('FROM album_cache'))).toHaveLength(1);
    expect(statements).toHaveLength(3);
  });

  it('keep nothing between batches: a read after a committed write sees it', async () => {
    const reads = createEntryPointReads(counted);
    expect((await reads.artist('artist 2'))?.genres).toEqual(['rock']);
    await db.pool.query(`UPDATE artist_cache SET genres = '{jazz}' WHERE name_key = 'artist 2'`);
    expect((await reads.artist('artist 2'))?.genres).toEqual(['jazz']);
  });
});
