// The change feed through real clients against a cache populated by the real jobs: a full sync by
// `changes`, then only later changes (also after a restart of the API, by cursor), removals with their
// keys, no changes for usage bookkeeping or a refresh that confirms the same data, the in-flight horizon,
// and `entryChanges` over graphql-ws replaying from a cursor and then following live.
import { print } from 'graphql';
import type { Client } from 'graphql-ws';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ArtistDocument,
  ChangesDocument,
  ClearCacheDocument,
  EntryChangesDocument,
  type EntryChangeFieldsFragment,
} from '../../src/generated/graphql.ts';
import { runJobNow } from '../../src/jobs/start-job.ts';
import { createTestDatabase } from '../support/database.ts';
import { type Harness, startHarness } from '../support/harness.ts';
import { httpQuery, wsClient } from '../support/graphql-clients.ts';
import { type ApiServer, startApiServer } from './support/api-server.ts';
import { dataOf, request } from './support/operations.ts';
import { FAST_ENV, populate, SMALL_LIBRARY } from './support/populate.ts';
import { NO_SCHEDULES } from './support/worker.ts';

type Change = EntryChangeFieldsFragment;

/** Every change after `after`, page by page, and the cursor after the last. */
async function syncAll(url: string, after: string | null, first = 7): Promise<{ changes: Change[]; cursor: string }> {
  const changes: Change[] = [];
  let cursor = after;
  for (;;) {
    const page = dataOf(await request(url, ChangesDocument, { after: cursor, first })).changes;
    changes.push(...page.changes);
    cursor = page.endCursor;
    if (!page.hasMore) return { changes, cursor };
  }
}

function keyOf(change: Change): string {
  const { nameKey, artistKey, titleKey, ratingKey } = change.key;
  return `${change.kind}:${nameKey ?? ''}:${artistKey ?? ''}:${titleKey ?? ''}:${ratingKey ?? ''}`;
}

/** Follows entryChanges over graphql-ws, collecting every event. */
function collect(client: Client, after: string | null): { received: Change[]; errors: unknown[]; stop: () => void } {
  const received: Change[] = [];
  const errors: unknown[] = [];
  const stop = client.subscribe<{ entryChanges: Change }>(
    { query: print(EntryChangesDocument), variables: { after } },
    {
      next: (result) => {
        if (result.data) received.push(result.data.entryChanges);
        if (result.errors) errors.push(result.errors);
      },
      error: (error) => errors.push(error),
      complete: () => undefined,
    },
  );
  return { received, errors, stop };
}

async function until<T>(read: () => T | Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Every change after `after` once at least `count` are answered. The feed answers a change only once every
 * transaction older than it has ended, on the whole server (other test files' databases included), so a
 * change just committed may take a moment to appear.
 */
function syncAtLeast(url: string, after: string | null, count: number): Promise<{ changes: Change[]; cursor: string }> {
  return until(
    () => syncAll(url, after),
    (result) => result.changes.length >= count,
    `${count} changes after the cursor`,
  );
}

describe('the change feed', () => {
  let harness: Harness;
  let api: ApiServer;
  let cursor: string;

  beforeAll(async () => {
    harness = await startHarness({ sims: SMALL_LIBRARY, env: { ...FAST_ENV, ...NO_SCHEDULES } });
    await populate(harness);
    api = await startApiServer(harness);
  }, 90_000);
  afterAll(async () => {
    await api?.close();
    await harness?.close();
  });

  it('syncs every entry once, page by page, with its data', async () => {
    const { changes, cursor: end } = await syncAll(api.url, null);
    cursor = end;
    const { pool } = harness.db;
    const count = async (sql: string) => Number((await pool.query<{ n: string }>(sql)).rows[0]?.n);
    const byKind = (kind: string) => changes.filter((change) => change.kind === kind);
    expect(byKind('ARTIST')).toHaveLength(await count('SELECT count(*) AS n FROM artist_cache'));
    expect(byKind('ALBUM')).toHaveLength(await count('SELECT count(*) AS n FROM album_cache'));
    expect(byKind('TRACK')).toHaveLength(await count('SELECT count(*) AS n FROM track_cache'));
    expect(byKind('AUDIO_FEATURES')).toHaveLength(await count('SELECT count(*) AS n FROM audio_features'));
    expect(byKind('TRACK').length).toBeGreaterThan(10);
    expect(new Set(changes.map(keyOf)).size).toBe(changes.length);
    expect(changes.every((change) => !change.removed)).toBe(true);
    const bjork = changes.find((change) => change.key.nameKey === 'bjork');
    expect(bjork?.artist).toMatchObject({ name: 'Björk' });
    expect(bjork?.id).toBe(bjork?.artist?.id);
    expect(byKind('TRACK').every((change) => change.track?.ratingKey === change.key.ratingKey)).toBe(true);
    // Nothing new: the cursor answers an empty page and gives itself back.
    const again = dataOf(await request(api.url, ChangesDocument, { after: cursor })).changes;
    expect(again).toEqual({ changes: [], endCursor: cursor, hasMore: false });
  });

  it('answers only what changed after the cursor', async () => {
    await harness.db.pool.query(
      `UPDATE artist_cache SET genres = ARRAY['Art Pop', 'Trip Hop'] WHERE name_key = 'bjork'`,
    );
    const { changes, cursor: end } = await syncAtLeast(api.url, cursor, 1);
    expect(changes.map(keyOf)).toEqual(['ARTIST:bjork:::']);
    expect(changes[0]?.artist?.genres).toEqual(['Art Pop', 'Trip Hop']);
    cursor = end;
  });

  it('records no change for usage bookkeeping or for a refresh that finds the same data', async () => {
    for (let read = 0; read < 3; read++) dataOf(await request(api.url, ArtistDocument, { name: 'Björk' }));
    await api.usage.flushAll();
    const used = await harness.db.pool.query<{ use_count: number }>(
      `SELECT use_count FROM artist_cache WHERE name_key = 'bjork'`,
    );
    expect(used.rows[0]?.use_count).toBeGreaterThanOrEqual(3);
    // A second track sync against the same Plex library re-fetches every track's statistics and marks each
    // track seen again: new fetch times, the same data.
    const before = await harness.db.pool.query<{ seen: Date }>('SELECT max(plex_seen_at) AS seen FROM track_cache');
    const outcome = await runJobNow(harness.runtime, 'track-stats-refresh', {});
    expect(outcome.outcome === 'finished' && outcome.run.status).toBe('succeeded');
    const after = await harness.db.pool.query<{ seen: Date }>('SELECT max(plex_seen_at) AS seen FROM track_cache');
    expect(after.rows[0]?.seen.getTime()).toBeGreaterThan(before.rows[0]?.seen.getTime() ?? Number.NaN);
    // A change made after all that: once the feed answers it, it answers everything before it too, so
    // an answer of this change alone means the reads and the sync made none.
    await harness.db.pool.query(`UPDATE artist_cache SET styles = ARRAY['Marker'] WHERE name_key = 'bjork'`);
    const { changes, cursor: end } = await syncAtLeast(api.url, cursor, 1);
    expect(changes.map(keyOf)).toEqual(['ARTIST:bjork:::']);
    cursor = end;
  });

  it('lists removals with their keys: a cache clear, a track gone and its features', async () => {
    await harness.db.pool.query(
      `UPDATE artist_cache SET expires_at = now() - interval '1 day' WHERE name_key = 'sigur ros'`,
    );
    const cleared = await request(api.url, ClearCacheDocument, { input: { tables: ['ARTISTS'] } });
    expect(dataOf(cleared).clearCache.artists).toBe(1);
    const track = await harness.db.pool.query<{ rating_key: string }>(
      'SELECT track_rating_key AS rating_key FROM audio_features LIMIT 1',
    );
    const ratingKey = track.rows[0]?.rating_key ?? '';
    await harness.db.pool.query('DELETE FROM track_cache WHERE rating_key = $1', [ratingKey]);
    const { changes, cursor: end } = await syncAtLeast(api.url, cursor, 3);
    expect(changes.map((change) => [keyOf(change), change.removed]).sort()).toEqual(
      [
        ['ARTIST:sigur ros:::', true],
        [`AUDIO_FEATURES::::${ratingKey}`, true],
        [`TRACK::::${ratingKey}`, true],
      ].sort(),
    );
    const artist = changes.find((change) => change.kind === 'ARTIST');
    expect(artist).toMatchObject({ artist: null });
    expect(artist?.id).toEqual(expect.any(String));
    cursor = end;
  });

  it('resumes by cursor after a restart of the API', async () => {
    await api.close();
    await harness.db.pool.query(
      `UPDATE album_cache SET moods = ARRAY['Calm'] WHERE id = (SELECT min(id) FROM album_cache)`,
    );
    api = await startApiServer(harness);
    const { changes, cursor: end } = await syncAtLeast(api.url, cursor, 1);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ kind: 'ALBUM', removed: false });
    expect(changes[0]?.album?.title).toEqual(expect.any(String));
    cursor = end;
  });

  it('does not pass a change still in flight: a later commit waits until the earlier one lands', async () => {
    const open = new pg.Client({ connectionString: harness.db.url });
    await open.connect();
    try {
      await open.query('BEGIN');
      await open.query(`UPDATE artist_cache SET moods = ARRAY['First'] WHERE name_key = 'bjork'`);
      // Committed after the open transaction took its sequence number, so it holds a higher one.
      await harness.db.pool.query(`UPDATE artist_cache SET moods = ARRAY['Second'] WHERE name_key <> 'bjork'`);
      const early = await syncAll(api.url, cursor);
      expect(early.changes).toEqual([]);
      expect(early.cursor).toBe(cursor);
      await open.query('COMMIT');
    } finally {
      await open.end();
    }
    const moods = await harness.db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM artist_cache`);
    const late = await syncAtLeast(api.url, cursor, Number(moods.rows[0]?.n));
    expect(late.changes).toHaveLength(Number(moods.rows[0]?.n));
    expect(late.changes.some((change) => change.key.nameKey === 'bjork')).toBe(true);
    cursor = late.cursor;
  });

  it('is not held back by a transaction open in another database of the same server', async () => {
    const neighbour = await createTestDatabase();
    const open = new pg.Client({ connectionString: neighbour.url });
    await open.connect();
    try {
      // Another application's long transaction, with a transaction id older than the change below.
      await open.query('BEGIN');
      await open.query('SELECT pg_current_xact_id()');
      await harness.db.pool.query(`UPDATE artist_cache SET moods = ARRAY['Beside'] WHERE name_key = 'bjork'`);
      const passed = await syncAll(api.url, cursor);
      expect(passed.changes.map((change) => change.key.nameKey)).toEqual(['bjork']);
      cursor = passed.cursor;
    } finally {
      await open.query('ROLLBACK').catch(() => undefined);
      await open.end();
      await neighbour.drop();
    }
  });

  it('streams over graphql-ws: replays from the cursor, then each new change live', async () => {
    const before = cursor;
    await harness.db.pool.query(`UPDATE artist_cache SET styles = ARRAY['Replayed'] WHERE name_key = 'bjork'`);
    const client = wsClient(api.url);
    const { received, errors, stop } = collect(client, before);
    try {
      await until(
        () => received.length,
        (n) => n >= 1,
        'the replayed change',
      );
      expect(received[0]?.artist?.name).toBe('Björk');
      await harness.db.pool.query(`UPDATE track_cache SET view_count = view_count + 1 WHERE rating_key = (
        SELECT min(rating_key) FROM track_cache)`);
      await until(
        () => received.length,
        (n) => n >= 2,
        'the live change',
      );
      expect(received[1]).toMatchObject({ kind: 'TRACK', removed: false });
      expect(received).toHaveLength(2);
      expect(errors).toEqual([]);
      // The last event's cursor is where `changes` continues: nothing is left over.
      const rest = dataOf(await request(api.url, ChangesDocument, { after: received[1]?.cursor })).changes;
      expect(rest.changes).toEqual([]);
      // A second subscriber with the same cursor, while the first still follows, gets its own replay.
      const second = collect(client, before);
      try {
        await until(
          () => second.received.length,
          (n) => n >= 2,
          'the second subscriber’s replay',
        );
        expect(second.received.map(keyOf)).toEqual(received.map(keyOf));
      } finally {
        second.stop();
      }
      cursor = received[1]?.cursor ?? cursor;
    } finally {
      stop();
      await client.dispose();
    }
  });

  it('streams over graphql-ws without a cursor: only what changes from then on', async () => {
    // Committed, and answered by the feed, before the subscription starts: not part of "from now on". (A
    // change the feed does not answer yet, because a transaction older than it is still open somewhere,
    // may still be streamed: "now" is the feed's horizon, never past a change that could yet appear.)
    const before = (await syncAll(api.url, null)).cursor;
    await harness.db.pool.query(`UPDATE artist_cache SET moods = ARRAY['Before'] WHERE name_key = 'acdc'`);
    await until(
      async () => (await syncAll(api.url, before)).changes.map(keyOf),
      (keys) => keys.includes('ARTIST:acdc:::'),
      'the feed answering the change made before subscribing',
    );
    const client = wsClient(api.url);
    const live = collect(client, null);
    try {
      // The subscription starts on the server a moment later; change until a change arrives.
      let round = 0;
      await until(
        async () => {
          round += 1;
          await harness.db.pool.query(`UPDATE artist_cache SET moods = ARRAY[$1] WHERE name_key = 'bjork'`, [
            `Live ${round}`,
          ]);
          return live.received.length;
        },
        (n) => n >= 1,
        'a live change',
      );
      expect(live.received.map(keyOf)).toContain('ARTIST:bjork:::');
      expect(live.received.map(keyOf)).not.toContain('ARTIST:acdc:::');
      expect(live.errors).toEqual([]);
    } finally {
      live.stop();
      await client.dispose();
    }
  });

  it('refuses a cursor it did not make', async () => {
    const response = await httpQuery(api.url, 'query { changes(after: "bm90LWEtY3Vyc29y") { hasMore } }');
    expect(response.errors?.[0]?.extensions?.code).toBe('INVALID_INPUT');
    const other = dataOf(await request(api.url, ChangesDocument, { first: 1 })).changes.endCursor;
    expect(other).toEqual(expect.any(String));
    const tooMany = await request(api.url, ChangesDocument, { first: 501 });
    expect(tooMany.errors?.[0]?.extensions?.code).toBe('INVALID_INPUT');
  });
});
