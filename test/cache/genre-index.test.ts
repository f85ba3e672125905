// The genre listing's index (artist_genre_index) against artist_cache itself: after every kind of write
// it holds exactly one row per (genre key, artist), and a page read through it is the page the listing's
// plain query answers, other filter conditions and cursors included.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ArtistWrite,
  artistGenrePageIds,
  recordArtistUsage,
  upsertArtists,
} from '../../src/cache/storage/artist-cache.ts';
import type { EntryFilter } from '../../src/cache/storage/entry-filter.ts';
import { prismaOf } from '../../src/db/prisma.ts';
import type { EntryStatus } from '../../src/types.ts';
import { openTestDatabase } from '../support/database.ts';

const NOW = new Date('2026-12-01T12:00:00Z');
const DAY = 86_400_000;
const SCOPE = { now: NOW, tiers: { hotDays: 30, warmDays: 180, coldDays: 365, refreshCold: false } };

const write = (key: string, genres: string[], status: EntryStatus = 'ok', expiresInDays = 2): ArtistWrite => ({
  nameKey: key,
  name: key,
  plexRatingKey: null,
  musicbrainzId: null,
  genres,
  styles: [],
  moods: [],
  source: 'lastfm',
  status,
  rawTags: {},
  fetchedAt: NOW,
  expiresAt: new Date(NOW.getTime() + expiresInDays * DAY),
  lastError: null,
});

describe('the genre listing index', () => {
  let db: Awaited<ReturnType<typeof openTestDatabase>>;
  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterAll(async () => {
    await db.close();
  });

  const indexRows = async () =>
    (
      await db.pool.query<{ row: string }>(
        `SELECT genre_key || '|' || name_key || '|' || artist_id AS row FROM artist_genre_index ORDER BY 1`,
      )
    ).rows.map((r) => r.row);
  const expectedRows = async () =>
    (
      await db.pool.query<{ row: string }>(
        `SELECT g || '|' || name_key || '|' || id AS row FROM artist_cache CROSS JOIN LATERAL unnest(genre_keys) g ORDER BY 1`,
      )
    ).rows.map((r) => r.row);

  it('holds one row per genre key and artist through inserts, upserts, renames, usage, deletes and truncation', async () => {
    await upsertArtists(
      db.pool,
      Array.from({ length: 120 }, (_, i) => write(`artist-${i}`, i % 3 === 0 ? ['Rock', 'ROCK', 'Jazz'] : ['Rock'])),
    );
    expect(await indexRows()).toHaveLength(120 + 40);
    expect(await indexRows()).toEqual(await expectedRows());

    // Genres change for some, stay for others (the upsert sets genres on every row it touches).
    await upsertArtists(
      db.pool,
      Array.from({ length: 60 }, (_, i) => write(`artist-${i}`, i % 2 === 0 ? ['Ambient'] : ['Rock'])),
    );
    expect(await indexRows()).toEqual(await expectedRows());

    await db.pool.query(`UPDATE artist_cache SET name_key = name_key || '-renamed' WHERE name_key LIKE 'artist-1%'`);
    await db.pool.query(`UPDATE artist_cache SET genres = array_append(genres, 'Added') WHERE id % 5 = 0`);
    await recordArtistUsage(
      db.pool,
      Array.from({ length: 30 }, (_, i) => ({ key: `artist-${i}`, lastUsedAt: NOW, uses: 1 })),
    );
    expect(await indexRows()).toEqual(await expectedRows());

    await db.pool.query(`DELETE FROM artist_cache WHERE name_key LIKE 'artist-2%'`);
    expect(await indexRows()).toEqual(await expectedRows());

    await db.pool.query('TRUNCATE artist_cache');
    expect(await indexRows()).toEqual([]);
  });

  it('answers the pages the plain listing answers, with other filters and after a cursor', async () => {
    await upsertArtists(
      db.pool,
      Array.from({ length: 200 }, (_, i) =>
        write(
          `band ${String(i).padStart(3, '0')}`,
          i % 4 === 0 ? ['Shoegaze', 'Rock'] : ['Rock'],
          i % 3 === 0 ? 'partial' : 'ok',
          i % 7 === 0 ? -1 : 2,
        ),
      ),
    );
    const prisma = prismaOf(db.pool);
    const plain = async (where: string, after: string | null, take: number) =>
      (
        await db.pool.query<{ id: number }>(
          `SELECT id FROM artist_cache WHERE ${where} AND ($1::text IS NULL OR name_key > $1) ORDER BY name_key LIMIT $2`,
          [after, take],
        )
      ).rows.map((row) => row.id);
    const cases: Array<{ filter: EntryFilter; where: string }> = [
      { filter: { genre: ' SHOEGAZE ' }, where: `genre_keys @> ARRAY['shoegaze']` },
      { filter: { genre: 'rock', status: 'partial' }, where: `genre_keys @> ARRAY['rock'] AND status = 'partial'` },
      {
        filter: { genre: 'rock', expired: true },
        where: `genre_keys @> ARRAY['rock'] AND expires_at <= '${NOW.toISOString()}'`,
      },
      {
        filter: { genre: 'rock', search: 'band 1' },
        where: `genre_keys @> ARRAY['rock'] AND name_key LIKE '%band 1%'`,
      },
      { filter: { genre: 'nothing like it' }, where: `genre_keys @> ARRAY['nothing like it']` },
    ];
    for (const { filter, where } of cases) {
      for (const after of [null, 'band 050', 'band 199']) {
        const ids = await artistGenrePageIds(prisma, filter, after, 25, SCOPE);
        expect(ids, `${JSON.stringify(filter)} after ${after}`).toEqual(await plain(where, after, 25));
      }
    }
    expect(await artistGenrePageIds(prisma, { status: 'ok' }, null, 25, SCOPE)).toBeNull();
  });
});
