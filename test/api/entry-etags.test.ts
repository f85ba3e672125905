// ETags over GraphQL GET for single entries: the answer carries an ETag, If-None-Match with it answers 304
// with no body, and a change of what the answer shows gives a new ETag. Other answers carry none.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../support/harness.ts';
import { type ApiServer, startApiServer } from './support/api-server.ts';
import { FAST_ENV, populate, SMALL_LIBRARY } from './support/populate.ts';
import { NO_SCHEDULES } from './support/worker.ts';

const ARTIST = 'query Artist($name: String!) { artist(name: $name) { name genres isExpired } }';
const TRACK = 'query Track($key: ID!) { track(ratingKey: $key) { title genres album { title } } }';

function get(url: string, query: string, variables: Record<string, unknown>, headers: Record<string, string> = {}) {
  const search = new URLSearchParams({ query, variables: JSON.stringify(variables) });
  return fetch(`${url}/graphql?${search}`, { headers: { accept: 'application/json', ...headers } });
}

describe('ETags of single entries over HTTP GET', () => {
  let harness: Harness;
  let api: ApiServer;

  beforeAll(async () => {
    harness = await startHarness({ sims: SMALL_LIBRARY, env: { ...FAST_ENV, ...NO_SCHEDULES } });
    await populate(harness, ['cache-warm', 'cache-warm-albums', 'track-stats-refresh']);
    api = await startApiServer(harness);
  }, 90_000);
  afterAll(async () => {
    await api?.close();
    await harness?.close();
  });

  it('answers 304 to If-None-Match with the ETag, and a new ETag once the entry changes', async () => {
    const first = await get(api.url, ARTIST, { name: 'Björk' });
    expect(first.status).toBe(200);
    const tag = first.headers.get('etag');
    expect(tag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    expect(first.headers.get('cache-control')).toBe('private, no-cache');
    expect(((await first.json()) as { data: { artist: { name: string } } }).data.artist.name).toBe('Björk');

    const again = await get(api.url, ARTIST, { name: 'Björk' }, { 'if-none-match': tag ?? '' });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(tag);
    expect(await again.text()).toBe('');
    // A list of tags, and the weak form of ours, match too; another tag does not.
    const listed = await get(api.url, ARTIST, { name: 'bjork' }, { 'if-none-match': `"other", W/${tag}` });
    expect(listed.status).toBe(304);
    const other = await get(api.url, ARTIST, { name: 'Björk' }, { 'if-none-match': '"other"' });
    expect(other.status).toBe(200);
    expect(other.headers.get('etag')).toBe(tag);

    await harness.db.pool.query(`UPDATE artist_cache SET genres = ARRAY['Art Pop'] WHERE name_key = 'bjork'`);
    const changed = await get(api.url, ARTIST, { name: 'Björk' }, { 'if-none-match': tag ?? '' });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(tag);
    expect(((await changed.json()) as { data: { artist: { genres: string[] } } }).data.artist.genres).toEqual([
      'Art Pop',
    ]);
  });

  it('changes a track’s ETag when the album its genres come from changes', async () => {
    const row = await harness.db.pool.query<{ rating_key: string; album_key: string; artist_key: string }>(
      `SELECT t.rating_key, t.album_key, t.artist_key FROM track_cache t
         JOIN album_cache a ON a.artist_key = t.artist_key AND a.title_key = t.album_key LIMIT 1`,
    );
    const track = row.rows[0];
    if (!track) throw new Error('no track with an album entry');
    const first = await get(api.url, TRACK, { key: track.rating_key });
    const tag = first.headers.get('etag') ?? '';
    expect(tag).not.toBe('');
    expect((await get(api.url, TRACK, { key: track.rating_key }, { 'if-none-match': tag })).status).toBe(304);
    await harness.db.pool.query(
      `UPDATE album_cache SET genres = ARRAY['Changed Genre'] WHERE artist_key = $1 AND title_key = $2`,
      [track.artist_key, track.album_key],
    );
    const changed = await get(api.url, TRACK, { key: track.rating_key }, { 'if-none-match': tag });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(tag);
  });

  it('puts no ETag on lists, on POST, or on an answer with errors', async () => {
    const list = await get(api.url, 'query { artists(first: 2) { totalCount } }', {});
    expect(list.status).toBe(200);
    expect(list.headers.get('etag')).toBeNull();
    const post = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query: ARTIST, variables: { name: 'Björk' } }),
    });
    expect(post.status).toBe(200);
    expect(post.headers.get('etag')).toBeNull();
    const failing = await get(api.url, 'query { track(ratingKey: "1") { title } artist(name: 1) { name } }', {});
    expect(failing.headers.get('etag')).toBeNull();
  });
});
