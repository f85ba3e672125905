import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAudioMuseSimulator, type AudioMuseSimulator } from '../../src/simulators/audiomuse.ts';
import { createLibrary, type SyntheticTrack } from '../../src/simulators/library.ts';
import { getJson, record } from './helpers.ts';

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
    const { status, body, headers } = await getJson(`${audiomuse.url}/external/get_score?id=${track.ratingKey}`, { headers: authorization });
    expect(status).toBe(200);
    expect(headers.get('content-type')).toMatch(/application\/json/);
    const row = record(body);
    expect(Object.keys(row)).toEqual([...Object.keys(row)].sort());
    expect(row).toMatchObject({ item_id: track.ratingKey, title: track.title, author: track.artistName, album: track.albumTitle });
    expect(row['tempo']).toBe(features?.tempo);
    expect(row['key']).toBe(features?.key);
    expect(row['scale']).toBe(features?.scale);
    expect(row['energy']).toBe(features?.energy);
    expect(String(row['mood_vector'])).toMatch(/^[^,:]+(?: [^,:]+)*:\d\.\d{3}(,[^,:]+:\d\.\d{3}){4}$/);
    expect(decode(String(row['mood_vector']))).toEqual(features?.moods);
    expect(decode(String(row['other_features'])).map(([label]) => label)).toEqual(['danceable', 'aggressive', 'happy', 'party', 'relaxed', 'sad']);
    expect(String(row['other_features'])).toMatch(/^danceable:\d\.\d{2},aggressive:/);
    expect(row['duration']).toBe(track.durationMs / 1000);
  });

  it('answers 400 without an id, 404 for a track it has not analysed, 400 for an unknown server', async () => {
    const missing = await getJson(`${audiomuse.url}/external/get_score`, { headers: authorization });
    expect(missing).toMatchObject({ status: 400, body: { error: "Missing 'id' parameter" } });
    const unanalysed = [...library.tracks()].find((track) => library.audioFeatures(track.index) === null);
    if (unanalysed === undefined) throw new Error('every track is analysed');
    const notFound = await getJson(`${audiomuse.url}/external/get_score?id=${unanalysed.ratingKey}`, { headers: authorization });
    expect(notFound).toMatchObject({ status: 404, body: { error: `Score not found for id: ${unanalysed.ratingKey}` } });
    expect((await getJson(`${audiomuse.url}/external/get_score?id=nope`, { headers: authorization })).status).toBe(404);
    const server = await getJson(`${audiomuse.url}/external/get_score?id=${analysed().ratingKey}&server=Jellyfin`, { headers: authorization });
    expect(server).toMatchObject({ status: 400, body: { error: "Unknown server 'Jellyfin'" } });
    expect((await getJson(`${audiomuse.url}/external/get_score?id=${analysed().ratingKey}&server=Plex`, { headers: authorization })).status).toBe(200);
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
    expect((await fetch(`${audiomuse.url}/external/get_score?id=${analysed().ratingKey}`, { redirect: 'manual' })).status).toBe(302);
  });
});
