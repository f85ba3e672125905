import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Providers } from '../../src/providers/create-providers.ts';
import { DEFAULT_AUDIOMUSE_TOKEN, type Simulators } from '../../src/simulators/index.ts';
import { providersFor, simulators } from './support.ts';

let sims: Simulators;
let providers: Providers;

beforeAll(async () => {
  sims = await simulators();
  providers = providersFor(sims);
});

afterAll(async () => {
  await sims.close();
});

afterEach(() => {
  sims.audiomuse.faults.reset();
  sims.audiomuse.setToken(DEFAULT_AUDIOMUSE_TOKEN);
});

function analysedTrack(analysed: boolean) {
  for (let index = 0; index < sims.library.trackCount; index += 1) {
    const features = sims.library.audioFeatures(index);
    if ((features !== null) === analysed) return { track: sims.library.track(index), features };
  }
  throw new Error('no such track in the library');
}

describe('AudioMuse client', () => {
  it("reads a track's score by Plex ratingKey with the Bearer token, parsing its feature strings", async () => {
    const { track, features } = analysedTrack(true);
    const score = await providers.require('audiomuse').score(track.ratingKey);
    expect(score).toMatchObject({
      itemId: track.ratingKey,
      title: track.title,
      artist: track.artistName,
      tempo: features?.tempo,
      key: features?.key,
      scale: features?.scale,
      energy: features?.energy,
      durationSeconds: track.durationMs / 1000,
    });
    expect(Object.keys(score.moodVector)).toEqual(features?.moods.map(([label]) => label));
    for (const [label, value] of features?.moods ?? []) expect(score.moodVector[label]).toBeCloseTo(value, 3);
    expect(Object.keys(score.otherFeatures)).toEqual(features?.otherFeatures.map(([label]) => label));
    const request = sims.log.filter({ provider: 'audiomuse', path: '/external/get_score' }).at(-1);
    expect(request?.query).toEqual({ id: track.ratingKey });
    expect(request?.headers.authorization).toBe(`Bearer ${DEFAULT_AUDIOMUSE_TOKEN}`);
  });

  it('says not-found for a track it has not analysed', async () => {
    const { track } = analysedTrack(false);
    await expect(providers.require('audiomuse').score(track.ratingKey)).rejects.toMatchObject({
      kind: 'not-found',
      status: 404,
    });
  });

  it('reads its redirect to the login page as unauthorised, without showing the token', async () => {
    sims.audiomuse.setToken('a-different-token-123');
    const error = await providers
      .require('audiomuse')
      .score(analysedTrack(true).track.ratingKey)
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: 'unauthorised', status: 302 });
    expect((error as Error).message).not.toContain(DEFAULT_AUDIOMUSE_TOKEN);
  });

  it('sends the optional server and sorts an unknown one as bad-response', async () => {
    const { track } = analysedTrack(true);
    await expect(providers.require('audiomuse').score(track.ratingKey, { server: 'Plex' })).resolves.toMatchObject({
      itemId: track.ratingKey,
    });
    await expect(providers.require('audiomuse').score(track.ratingKey, { server: 'Jellyfin' })).rejects.toMatchObject({
      kind: 'bad-response',
      status: 400,
    });
  });

  it('retries 503 and stalls, and sorts truncated bodies as bad-response', async () => {
    const { track } = analysedTrack(true);
    const audiomuse = providers.require('audiomuse');
    sims.audiomuse.faults.failNext({ kind: 'api-error' });
    sims.audiomuse.faults.failNext('stall');
    await expect(audiomuse.score(track.ratingKey)).resolves.toMatchObject({ itemId: track.ratingKey });
    sims.audiomuse.faults.failNext('truncated');
    await expect(audiomuse.score(track.ratingKey)).rejects.toMatchObject({ kind: 'bad-response' });
  });
});
