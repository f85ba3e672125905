// The tracks listing over GraphQL: its order (missing album keys, discs and track numbers first), keyset
// pages that survive the deletion of the cursor's track, the case-insensitive genre filter, clear errors
// for cursors it did not make, and the plans PostgreSQL picks for the statements Prisma sends.
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlbumsDocument, type TrackFilter, TracksDocument, type TracksQuery } from '../../src/generated/graphql.ts';
import { type GraphQLResponse, httpQuery } from '../support/graphql-clients.ts';
import { type Harness, startHarness } from '../support/harness.ts';
import { type ApiServer, startApiServer } from './support/api-server.ts';
import { dataOf, request } from './support/operations.ts';
import { NO_SCHEDULES } from './support/worker.ts';

const EXPIRES = new Date('2099-01-01T00:00:00.000Z');

interface Seed {
  ratingKey: string;
  artistKey: string;
  albumKey: string | null;
  disc: number | null;
  track: number | null;
  genres: string[];
}

// Inserted out of order; the listing's order is by artist, album ('' when none), disc and track (0 when
// none), then ratingKey.
const SEEDS: Seed[] = [
  { ratingKey: 'r09', artistKey: 'beta', albumKey: 'second', disc: 1, track: 1, genres: ['Jazz'] },
  { ratingKey: 'r01', artistKey: 'alpha', albumKey: 'first', disc: 2, track: 1, genres: ['Rock'] },
  { ratingKey: 'r02', artistKey: 'alpha', albumKey: 'first', disc: 1, track: 2, genres: ['rock', 'Pop'] },
  { ratingKey: 'r03', artistKey: 'alpha', albumKey: 'first', disc: 1, track: null, genres: [] },
  { ratingKey: 'r04', artistKey: 'alpha', albumKey: null, disc: null, track: 3, genres: ['ROCK'] },
  { ratingKey: 'r05', artistKey: 'alpha', albumKey: 'first', disc: null, track: 1, genres: [] },
  { ratingKey: 'r06', artistKey: 'alpha', albumKey: 'first', disc: 1, track: 2, genres: ['Jazz'] },
  { ratingKey: 'r07', artistKey: 'beta', albumKey: null, disc: null, track: null, genres: ['Rock'] },
  { ratingKey: 'r08', artistKey: 'alpha', albumKey: 'first', disc: 1, track: 1, genres: [] },
];
const ORDER = ['r04', 'r05', 'r03', 'r08', 'r02', 'r06', 'r01', 'r07', 'r09'];

async function insertTracks(pool: pg.Pool, seeds: readonly Seed[]): Promise<void> {
  await pool.query(
    `INSERT INTO track_cache (rating_key, title, artist_name, artist_key, album_key, album_title, disc_number,
                              track_number, genres, static_expires_at, stats_expires_at)
     SELECT r.rating_key, r.rating_key, r.artist_key, r.artist_key, r.album_key, r.album_key, r.disc, r.track,
            r.genres, $2, $2
       FROM jsonb_to_recordset($1::jsonb) AS r(rating_key text, artist_key text, album_key text, disc int,
            track int, genres text[])`,
    [
      JSON.stringify(
        seeds.map((seed) => ({
          rating_key: seed.ratingKey,
          artist_key: seed.artistKey,
          album_key: seed.albumKey,
          disc: seed.disc,
          track: seed.track,
          genres: seed.genres,
        })),
      ),
      EXPIRES,
    ],
  );
}

describe('the tracks listing', () => {
  let harness: Harness;
  let api: ApiServer;

  beforeAll(async () => {
    harness = await startHarness({ sims: { seed: 3, artists: 1 }, env: NO_SCHEDULES });
    await insertTracks(harness.db.pool, SEEDS);
    api = await startApiServer(harness);
  }, 60_000);

  afterAll(async () => {
    await api?.close();
    await harness?.close();
  });

  async function listAll(filter?: TrackFilter, first = 2): Promise<string[]> {
    const keys: string[] = [];
    let after: string | null | undefined = null;
    for (let page = 0; page < 20; page += 1) {
      const answer: GraphQLResponse<TracksQuery> = await request(api.url, TracksDocument, { first, after, filter });
      const { tracks } = dataOf(answer);
      keys.push(...tracks.nodes.map((node) => node.ratingKey));
      if (!tracks.pageInfo.hasNextPage) return keys;
      after = tracks.pageInfo.endCursor;
    }
    throw new Error('the listing did not end');
  }

  it('orders by artist, album, disc and track, missing ones first, on one page and over many', async () => {
    const one = dataOf(await request(api.url, TracksDocument, { first: 50 })).tracks;
    expect(one.nodes.map((node) => node.ratingKey)).toEqual(ORDER);
    expect(one.totalCount).toBe(SEEDS.length);
    expect(one.pageInfo.hasNextPage).toBe(false);
    expect(await listAll(undefined, 2)).toEqual(ORDER);
    expect(await listAll(undefined, 1)).toEqual(ORDER);
  });

  it('pages backwards with last and before, in the same order', async () => {
    type Page = { tracks: { pageInfo: { startCursor: string | null }; nodes: Array<{ ratingKey: string }> } };
    const query = `query($before: String) {
      tracks(last: 3, before: $before) { pageInfo { startCursor } nodes { ratingKey } }
    }`;
    const last = dataOf(await httpQuery<Page>(api.url, query)).tracks;
    expect(last.nodes.map((node) => node.ratingKey)).toEqual(ORDER.slice(-3));
    const before = dataOf(await httpQuery<Page>(api.url, query, { before: last.pageInfo.startCursor })).tracks;
    expect(before.nodes.map((node) => node.ratingKey)).toEqual(ORDER.slice(-6, -3));
  });

  it('pages on after the cursor’s track was deleted, from where the last page ended', async () => {
    await insertTracks(harness.db.pool, [
      { ratingKey: 'x1', artistKey: 'gamma', albumKey: 'a', disc: 1, track: 1, genres: [] },
      { ratingKey: 'x2', artistKey: 'gamma', albumKey: 'a', disc: 1, track: 2, genres: [] },
      { ratingKey: 'x3', artistKey: 'gamma', albumKey: 'a', disc: 1, track: 3, genres: [] },
    ]);
    try {
      const filter = { artist: 'Gamma' };
      const first = dataOf(await request(api.url, TracksDocument, { first: 2, filter })).tracks;
      expect(first.nodes.map((node) => node.ratingKey)).toEqual(['x1', 'x2']);
      await harness.db.prisma.trackCache.delete({ where: { ratingKey: 'x2' } });
      const next = dataOf(
        await request(api.url, TracksDocument, { first: 2, filter, after: first.pageInfo.endCursor }),
      ).tracks;
      expect(next.nodes.map((node) => node.ratingKey)).toEqual(['x3']);
      expect(next.totalCount).toBe(2);
    } finally {
      await harness.db.prisma.trackCache.deleteMany({ where: { artistKey: 'gamma' } });
    }
  });

  it('filters by genre case-insensitively, inside the genres array, in order and counted', async () => {
    const rock = SEEDS.filter((seed) => seed.genres.some((genre) => genre.toLowerCase() === 'rock'));
    const expected = ORDER.filter((key) => rock.some((seed) => seed.ratingKey === key));
    expect(expected).toEqual(['r04', 'r02', 'r01', 'r07']);
    expect(await listAll({ genre: ' rOcK ' }, 3)).toEqual(expected);
    const counted = dataOf(await request(api.url, TracksDocument, { first: 1, filter: { genre: 'ROCK' } })).tracks;
    expect(counted.totalCount).toBe(expected.length);
    expect(await listAll({ genre: 'roc' })).toEqual([]);
    // Combined with the other filters: every given field must hold.
    expect(await listAll({ genre: 'rock', artist: 'ALPHA' })).toEqual(['r04', 'r02', 'r01']);
  });

  it('refuses cursors it did not make with INVALID_INPUT', async () => {
    const albumCursor = dataOf(await request(api.url, AlbumsDocument, { first: 1 })).albums.pageInfo.endCursor;
    const wrongTypes = Buffer.from(
      JSON.stringify({ artistKey: 'alpha', albumSortKey: '', discSort: 'one', trackSort: 0, ratingKey: 'r01' }),
    ).toString('base64');
    const cursors = ['garbage', 'AAAA', wrongTypes, ...(albumCursor ? [albumCursor] : [])];
    for (const after of cursors) {
      const answer = await request(api.url, TracksDocument, { first: 1, after });
      expect(answer.errors?.[0]?.extensions?.code, `after: ${after}`).toBe('INVALID_INPUT');
      expect(answer.data ?? null).toBeNull();
    }
  });
});

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Plans?: PlanNode[];
}

function indexesOf(node: PlanNode, into: string[] = []): string[] {
  if (node['Index Name'] !== undefined) into.push(`${node['Index Name']}: ${node['Index Cond'] ?? ''}`);
  for (const child of node.Plans ?? []) indexesOf(child, into);
  return into;
}

/** Records the statements (text and values) a pool's clients run while `recording` holds an array. */
function recordStatements(pool: pg.Pool): { take: () => Array<{ text: string; values: unknown[] }> } {
  let recording: Array<{ text: string; values: unknown[] }> = [];
  const wrapped = new WeakSet<pg.PoolClient>();
  pool.on('acquire', (client) => {
    if (wrapped.has(client)) return;
    wrapped.add(client);
    const original = client.query.bind(client) as (...args: unknown[]) => unknown;
    // pg's query has many overloads; the wrapper only notes the text and values and passes everything on.
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const [first, second] = args;
      if (typeof first === 'object' && first !== null && 'text' in first) {
        const values = 'values' in first && Array.isArray(first.values) ? first.values : [];
        recording.push({ text: String(first.text), values });
      } else if (typeof first === 'string')
        recording.push({ text: first, values: Array.isArray(second) ? second : [] });
      return original(...args);
    };
  });
  return {
    take: () => {
      const taken = recording;
      recording = [];
      return taken;
    },
  };
}

describe('the tracks listing on a few thousand tracks', () => {
  const ARTISTS = 60;
  const TRACKS_PER_ARTIST = 100;
  let harness: Harness;
  let api: ApiServer;
  let statements: ReturnType<typeof recordStatements>;

  beforeAll(async () => {
    harness = await startHarness({ sims: { seed: 4, artists: 1 }, env: NO_SCHEDULES });
    // One track in 100 is "Bossa Nova", so a genre page has the GIN index to choose.
    await harness.db.pool.query(
      `INSERT INTO track_cache (rating_key, title, artist_name, artist_key, album_key, album_title, disc_number,
                                track_number, genres, static_expires_at, stats_expires_at)
       SELECT 'k' || lpad(i::text, 6, '0'), 'T' || i, 'A' || (i % $1), 'artist ' || lpad((i % $1)::text, 3, '0'),
              CASE WHEN i % 7 = 0 THEN NULL ELSE 'album ' || (i % 5) END, NULL,
              CASE WHEN i % 3 = 0 THEN NULL ELSE 1 + i % 2 END, CASE WHEN i % 11 = 0 THEN NULL ELSE i % 13 END,
              CASE WHEN i % 100 = 0 THEN ARRAY['Bossa Nova'] ELSE ARRAY['Rock', 'Indie'] END, $2, $2
         FROM generate_series(1, $3) AS i`,
      [ARTISTS, EXPIRES, ARTISTS * TRACKS_PER_ARTIST],
    );
    await harness.db.pool.query('ANALYZE track_cache');
    api = await startApiServer(harness);
    statements = recordStatements(harness.db.pool);
  }, 60_000);

  afterAll(async () => {
    await api?.close();
    await harness?.close();
  });

  /** The indexes in the plan of the listing statement the last request sent (the one that orders track_cache). */
  async function listingPlan(): Promise<string[]> {
    const listing = statements
      .take()
      .filter((statement) => /^SELECT .* FROM "public"\."track_cache" .*ORDER BY/.test(statement.text));
    expect(listing).toHaveLength(1);
    const [statement] = listing;
    if (!statement) throw new Error('no listing statement');
    const { rows } = await harness.db.pool.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(
      `EXPLAIN (FORMAT JSON) ${statement.text}`,
      statement.values,
    );
    const plan = rows[0]?.['QUERY PLAN'][0]?.Plan;
    if (!plan) throw new Error('no plan');
    return indexesOf(plan);
  }

  it('reads a page, and the page after a cursor, as a range of the listing index', async () => {
    statements.take();
    const first = dataOf(await request(api.url, TracksDocument, { first: 50 })).tracks;
    expect(first.nodes).toHaveLength(50);
    expect(await listingPlan()).toEqual([expect.stringMatching(/^track_cache_listing_order_key: $/)]);
    const deep = dataOf(
      await request(api.url, TracksDocument, { first: 50, after: first.pageInfo.endCursor, filter: { search: 'T' } }),
    ).tracks;
    expect(deep.nodes).toHaveLength(50);
    // The scan starts at the cursor's artist rather than at the top of the index.
    expect(await listingPlan()).toEqual([expect.stringMatching(/^track_cache_listing_order_key: \(artist_key >= /)]);
  });

  it('answers a rare genre from the genre keys’ GIN index', async () => {
    statements.take();
    const page = dataOf(await request(api.url, TracksDocument, { first: 50, filter: { genre: 'bossa nova' } })).tracks;
    expect(page.totalCount).toBe((ARTISTS * TRACKS_PER_ARTIST) / 100);
    expect(await listingPlan()).toContainEqual(expect.stringMatching(/^track_cache_genre_keys_idx: \(genre_keys @> /));
  });
});
