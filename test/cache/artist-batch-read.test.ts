// The batch read of artists by name key (artist(name) and the lookups read through it) travels as one JSON
// value rather than row by row: it must answer exactly the rows Prisma's client answers for the same keys
// (timestamps as Dates, nulls, arrays, jsonb), against the real PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getArtistsByKeys } from '../../src/cache/storage/artist-cache.ts';
import { prismaOf } from '../../src/db/prisma.ts';
import { openTestDatabase } from '../support/database.ts';

describe('artist batch read', () => {
  let db: Awaited<ReturnType<typeof openTestDatabase>>;
  beforeAll(async () => {
    db = await openTestDatabase();
    // One entry with everything set (awkward text in arrays and json, a last use), one with the nullable columns null.
    await db.pool.query(
      `INSERT INTO artist_cache (name_key, name, plex_rating_key, musicbrainz_id, genres, styles, moods, facets, source,
                                 status, raw_tags, fetched_at, expires_at, last_used_at, use_count, last_error)
       VALUES ('björk', 'Björk', '42', 'mbid-1', $1, '{"art pop"}', '{}', $2, '{plex,lastfm}', 'partial', $3,
               '2026-11-01T10:20:30.123Z', '2027-01-01T00:00:00.007Z', '2026-12-01T08:00:00.999Z', 7, 'lastfm: timeout'),
              ('nobody known', 'Nobody Known', NULL, NULL, '{}', '{}', '{}', '{}', '{}', 'empty', '{}',
               '2026-11-02T00:00:00.000Z', '2026-11-03T00:00:00.000Z', NULL, 0, NULL)`,
      [
        ['electronic', 'trip "hop", with commas', '', 'NULL', 'ü\\back'],
        JSON.stringify({ eras: ['1990s'], places: ['Reykjavík'] }),
        JSON.stringify({
          plex: { genres: ['Electronic'], moods: [] },
          lastfm: [
            { name: 'trip-hop', weight: 100 },
            { name: 'ünïcode "quoted"', weight: 0.5 },
          ],
          nested: { nothing: null, yes: true },
        }),
      ],
    );
  });
  afterAll(async () => {
    await db.close();
  });

  it('answers the rows the Prisma client answers, keyed by name key, and nothing for unknown keys', async () => {
    const keys = ['björk', 'nobody known', 'not cached', 'björk'];
    const read = await getArtistsByKeys(db.pool, keys);
    const expected = await prismaOf(db.pool).artistCache.findMany({ where: { nameKey: { in: keys } } });
    expect(expected).toHaveLength(2);
    expect([...read.keys()].sort()).toEqual(['björk', 'nobody known']);
    for (const row of expected) expect(read.get(row.nameKey)).toStrictEqual(row);
    const bjork = read.get('björk');
    expect(bjork?.fetchedAt).toBeInstanceOf(Date);
    expect(bjork?.expiresAt.toISOString()).toBe('2027-01-01T00:00:00.007Z');
    expect(bjork?.lastUsedAt?.toISOString()).toBe('2026-12-01T08:00:00.999Z');
    expect(read.get('nobody known')?.lastUsedAt).toBeNull();
  });

  it('answers an empty map when no key is cached', async () => {
    expect((await getArtistsByKeys(db.pool, ['not cached'])).size).toBe(0);
  });
});
