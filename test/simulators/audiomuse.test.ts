import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { startAudioMuseSimulator, type AudioMuseSimulator } from '../../src/simulators/audiomuse.ts';
import { createLibrary, type SyntheticTrack } from '../../src/simulators/library.ts';
import { getJson, list, record } from './helpers.ts';

/** AudioMuse's encoding: "label:score" pairs; labels may hold spaces, so split on the last colon. */
function decode(encoded: string): Array<[string, number]> {
  return encoded.split(',').map((pair) => {
    const colon = pair.lastIndexOf(':');
    return [pair.slice(0, colon), Number(pair.slice(colon + 1))];
  });
}

describe('AudioMuse simulator', () => {
  const library = createLibrary({ seed: 61, artists: 20 });
  let audiomuse: AudioMuseSimulator;
  let authorization: Record<string, string>;

  beforeAll(async () => {
    audiomuse = await startAudioMuseSimulator({ library });
    authorization = { Authorization: `Bearer ${audiomuse.token ?? ''}` };
  });
  afterAll(async () => {
    await audiomuse.close();
  });

  const analysed = (): SyntheticTrack => {
    const track = [...library.tracks()].find((candidate) => library.audioFeatures(candidate.index) !== null);
    if (track === undefined) throw new Error('no analysed track');
    return track;
  };

  it('returns the score row for a Plex ratingKey, with the features encoded as strings', async () => {
    const track = analysed();
    const features = library.audioFeatures(track.index);
    const { status, body, headers } = await getJson(`${audiomuse.url}/external/get_score?id=${track.ratingKey}`, {
      headers: authorization,
    });
    expect(status).toBe(200);
    expect(headers.get('content-type')).toMatch(/application\/json/);
    const row = record(body);
    expect(Object.keys(row)).toEqual([...Object.keys(row)].sort());
    expect(row).toMatchObject({
      item_id: track.ratingKey,
      title: track.title,
      author: track.artistName,
      album: track.albumTitle,
    });
    expect(row['tempo']).toBe(features?.tempo);
    expect(row['key']).toBe(features?.key);
    expect(row['scale']).toBe(features?.scale);
    expect(row['energy']).toBe(features?.energy);
    expect(String(row['mood_vector'])).toMatch(/^[^,:]+(?: [^,:]+)*:\d\.\d{3}(,[^,:]+:\d\.\d{3}){4}$/);
    expect(decode(String(row['mood_vector']))).toEqual(features?.moods);
    expect(decode(String(row['other_features'])).map(([label]) => label)).toEqual([
      'danceable',
      'aggressive',
      'happy',
      'party',
      'relaxed',
      'sad',
    ]);
    expect(String(row['other_features'])).toMatch(/^danceable:\d\.\d{2},aggressive:/);
    expect(row['duration']).toBe(track.durationMs / 1000);
  });

  it('answers 400 without an id, 404 for a track it has not analysed, 400 for an unknown server', async () => {
    const missing = await getJson(`${audiomuse.url}/external/get_score`, { headers: authorization });
    expect(missing).toMatchObject({ status: 400, body: { error: "Missing 'id' parameter" } });
    const unanalysed = [...library.tracks()].find((track) => library.audioFeatures(track.index) === null);
    if (unanalysed === undefined) throw new Error('every track is analysed');
    const notFound = await getJson(`${audiomuse.url}/external/get_score?id=${unanalysed.ratingKey}`, {
      headers: authorization,
    });
    expect(notFound).toMatchObject({ status: 404, body: { error: `Score not found for id: ${unanalysed.ratingKey}` } });
    expect((await getJson(`${audiomuse.url}/external/get_score?id=nope`, { headers: authorization })).status).toBe(404);
    const server = await getJson(`${audiomuse.url}/external/get_score?id=${analysed().ratingKey}&server=Jellyfin`, {
      headers: authorization,
    });
    expect(server).toMatchObject({ status: 400, body: { error: "Unknown server 'Jellyfin'" } });
    expect(
      (
        await getJson(`${audiomuse.url}/external/get_score?id=${analysed().ratingKey}&server=Plex`, {
          headers: authorization,
        })
      ).status,
    ).toBe(200);
  });

  it('redirects an unauthenticated /external call to the login page, as the real auth barrier does', async () => {
    const url = `${audiomuse.url}/external/get_score?id=${analysed().ratingKey}`;
    const manual = await fetch(url, { redirect: 'manual', headers: { Authorization: 'Bearer wrong' } });
    expect(manual.status).toBe(302);
    expect(manual.headers.get('location')).toBe('/login');
    const followed = await fetch(url);
    expect(followed.status).toBe(200);
    expect(followed.headers.get('content-type')).toMatch(/text\/html/);
    expect(await followed.text()).toContain('Login - AudioMuse-AI');
    const api = await getJson(`${audiomuse.url}/api/anything`);
    expect(api).toMatchObject({ status: 401, body: { error: 'Unauthorized' } });
  });

  it('needs no token when authentication is off', async () => {
    audiomuse.setToken(null);
    try {
      expect((await getJson(`${audiomuse.url}/external/get_score?id=${analysed().ratingKey}`)).status).toBe(200);
    } finally {
      audiomuse.setToken('audiomuse-simulator-token');
    }
    expect(
      (await fetch(`${audiomuse.url}/external/get_score?id=${analysed().ratingKey}`, { redirect: 'manual' })).status,
    ).toBe(302);
  });
});

describe('AudioMuse simulator: GET /api/sync', () => {
  const library = createLibrary({ seed: 62, tracks: 1700 });
  const fixture = (name: string): Record<string, unknown> =>
    record(JSON.parse(readFileSync(new URL(`../fixtures/audiomuse/${name}`, import.meta.url), 'utf8')));
  let audiomuse: AudioMuseSimulator;
  let headers: Record<string, string>;

  beforeAll(async () => {
    audiomuse = await startAudioMuseSimulator({
      library,
      analysis: { pendingShare: 0.2 },
      servers: [
        { id: 'plex-main', name: 'Plex', default: true },
        { id: 'plex-den', name: 'Den', shift: 5 },
      ],
    });
    headers = { Authorization: `Bearer ${audiomuse.token ?? ''}` };
  });
  afterAll(async () => {
    await audiomuse.close();
  });

  const sync = async (query: string) => getJson(`${audiomuse.url}/api/sync?${query}`, { headers });

  it('pages the {id, fp} manifest in the shape of the real one, up to 1,000 a page', async () => {
    const first = await sync('fields=index&limit=5000');
    expect(first.status).toBe(200);
    const body = record(first.body);
    const real = fixture('sync-index-page.json');
    expect(Object.keys(body)).toEqual(Object.keys(real));
    expect(Object.keys(record(list(body.tracks)[0]))).toEqual(Object.keys(record(list(real.tracks)[0])));
    const analysedCount = [...library.tracks()].filter(
      (track) => audiomuse.analysis.features(track.index) !== null,
    ).length;
    expect(body).toMatchObject({ total_tracks: analysedCount, provider_type: 'plex', has_more: true, next_page: 2 });
    expect(list(body.tracks)).toHaveLength(1000);
    const second = record((await sync('fields=index&limit=1000&page=2')).body);
    expect(second).toMatchObject({ has_more: false, next_page: null });
    expect(list(body.tracks).length + list(second.tracks).length).toBe(analysedCount);
    for (const entry of list(second.tracks)) expect(record(entry).fp).toMatch(/^[0-9a-f]{16}$/);
  });

  it('returns full rows for an id list, leaving out what it has not analysed, capped at 500', async () => {
    const pending = audiomuse.analysis.pending();
    expect(pending.length).toBeGreaterThan(0);
    const analysed = [...library.tracks()]
      .filter((track) => audiomuse.analysis.features(track.index) !== null)
      .slice(0, 3);
    const ids = [...analysed.map((track) => track.ratingKey), library.track(pending[0] ?? 0).ratingKey];
    const answer = record((await sync(`ids=${ids.join(',')}&include_embeddings=false`)).body);
    const real = fixture('sync-rows-page.json');
    expect(Object.keys(answer)).toEqual(Object.keys(real));
    expect(answer).toMatchObject({ total_tracks: 3, has_more: false, next_page: null });
    const rows = list(answer.tracks).map(record);
    expect(Object.keys(rows[0] ?? {})).toEqual(Object.keys(record(list(real.tracks)[0])));
    expect(rows.map((row) => [row.id, row.title, row.artist])).toEqual(
      analysed.map((track) => [track.ratingKey, track.title, track.artistName]),
    );
    const withEmbeddings = record((await sync(`ids=${ids[0] ?? ''}`)).body);
    expect(typeof record(list(withEmbeddings.tracks)[0]).embedding).toBe('string');
    const many = [...library.tracks(0, 700)].map((track) => track.ratingKey).join(',');
    expect(list(record((await sync(`ids=${many}&include_embeddings=false`)).body).tracks).length).toBeLessThanOrEqual(
      500,
    );
  });

  it('picks up progressive analysis and changes fp on re-analysis', async () => {
    const [waiting] = audiomuse.analysis.pending();
    if (waiting === undefined) throw new Error('nothing pending');
    const id = library.track(waiting).ratingKey;
    expect(list(record((await sync(`ids=${id}&include_embeddings=false`)).body).tracks)).toHaveLength(0);
    audiomuse.analysis.analyse([waiting]);
    const before = record(list(record((await sync(`ids=${id}&include_embeddings=false`)).body).tracks)[0]);
    audiomuse.analysis.reanalyse(waiting);
    const after = record(list(record((await sync(`ids=${id}&include_embeddings=false`)).body).tracks)[0]);
    expect(after.title).toBe(before.title);
    expect(after.fp).not.toBe(before.fp);
  });

  it('resolves ids against the default server unless `server` names another', async () => {
    const track = [...library.tracks()].find(
      (candidate) => audiomuse.analysis.features((candidate.index + 5) % library.trackCount) !== null,
    );
    if (track === undefined) throw new Error('no track');
    const onDen = record(
      list(record((await sync(`ids=${track.ratingKey}&include_embeddings=false&server=Den`)).body).tracks)[0],
    );
    expect(onDen.id).toBe(track.ratingKey);
    expect(onDen.title).toBe(library.track((track.index + 5) % library.trackCount).title);
    expect(await sync('fields=index&server=Jellyfin')).toMatchObject({
      status: 400,
      body: { error: 'Invalid server selection.' },
    });
  });

  it("answers Flask's 404 page on a version without the sync API", async () => {
    const old = await startAudioMuseSimulator({ library, syncApi: false });
    try {
      const answer = await fetch(`${old.url}/api/sync?fields=index`, {
        headers: { Authorization: `Bearer ${old.token ?? ''}` },
      });
      expect(answer.status).toBe(404);
      expect(await answer.text()).toContain('404 Not Found');
    } finally {
      await old.close();
    }
  });
});
