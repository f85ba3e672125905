import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/providers/errors.ts';
import type { Providers } from '../../src/providers/create-providers.ts';
import { lastfmTopTagsSchema } from '../../src/providers/lastfm.ts';
import { SPECIAL_ARTIST_NAMES, type Simulators } from '../../src/simulators/index.ts';
import { capturingLogger, providersFor, simulators } from './support.ts';

let sims: Simulators;
let providers: Providers;
const captured = capturingLogger();

beforeAll(async () => {
  // The simulator's own 5/s limit stays on; the client is allowed a little more than its default so the
  // file stays quick, and still never exceeds what the simulator accepts.
  sims = await simulators();
  providers = providersFor(sims, { logger: captured.logger, perProvider: { lastfm: { requestsPerSecond: 4.5 } } });
});

afterAll(async () => {
  await sims.close();
});

afterEach(() => {
  sims.lastfm.faults.reset();
  sims.lastfm.setQuirks({ emptyTags: 'array', rateLimitStatus: 429, suspended: false });
});

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe('Last.fm client', () => {
  it('asks by name with autocorrect, never by mbid, with a User-Agent naming linernotes', async () => {
    const lastfm = providers.require('lastfm');
    const artist = sims.library.artist(14);
    const result = await lastfm.artistTopTags(artist.name);
    expect(result.tags).toEqual(artist.lastfm?.tags.map((tag) => ({ name: tag.name, weight: tag.count })));
    const request = sims.log.filter({ provider: 'lastfm', query: { artist: artist.name } }).at(-1);
    expect(request?.query).toMatchObject({ method: 'artist.gettoptags', autocorrect: '1', format: 'json' });
    expect(request?.query).not.toHaveProperty('mbid');
    expect(request?.headers['user-agent']).toMatch(/^linernotes\/\d+\.\d+\.\d+ \( .+ \)$/);
  });

  it('sends every special name intact and gets the same artist back', async () => {
    const lastfm = providers.require('lastfm');
    for (const name of SPECIAL_ARTIST_NAMES) {
      const truth = sims.library.artistByName(name);
      const result = await lastfm.artistTopTags(name);
      expect(result.artist).toBe(truth?.lastfm?.name);
      expect(result.tags.map((tag) => tag.name)).toEqual(truth?.lastfm?.tags.map((tag) => tag.name));
      expect(
        sims.log.count({ provider: 'lastfm', query: { artist: name, method: 'artist.gettoptags' } }),
      ).toBeGreaterThan(0);
    }
  });

  it('follows autocorrect to the corrected artist', async () => {
    const artist = sims.library.artist(21);
    expect(artist.lastfm?.name).not.toBe(artist.name);
    const result = await providers.require('lastfm').artistTopTags(artist.name);
    expect(result.artist).toBe(artist.lastfm?.name);
    expect(result.tags.length).toBe(artist.lastfm?.tags.length);
  });

  it('reads album top tags, and "Album not found" (error 6 in a 200) as not-found', async () => {
    const lastfm = providers.require('lastfm');
    const album = sims.library
      .albumsOf(0)
      .find((candidate) => candidate.lastfm !== null && candidate.lastfm.name === candidate.title);
    expect(album).toBeDefined();
    if (album?.lastfm == null) return;
    const result = await lastfm.albumTopTags(album.artistName, album.title);
    expect(result.album).toBe(album.lastfm.name);
    expect(result.tags.map((tag) => tag.name)).toEqual(album.lastfm.tags.map((tag) => tag.name));
    const missing = await failure(lastfm.albumTopTags(album.artistName, 'No Such Album At All'));
    expect(missing).toMatchObject({ kind: 'not-found', provider: 'lastfm', status: 200 });
  });

  it('treats an unknown artist (error 6 in a 200) as not-found, without retrying', async () => {
    const before = sims.log.count({ provider: 'lastfm' });
    const error = await failure(providers.require('lastfm').artistTopTags('Nobody Has Ever Heard Of Us'));
    expect(error.kind).toBe('not-found');
    expect(sims.log.count({ provider: 'lastfm' }) - before).toBe(1);
  });

  it('reads an empty tag list in each of its shapes as no tags', async () => {
    const untagged = sims.library.artist(23);
    expect(untagged.lastfm?.tags).toEqual([]);
    for (const emptyTags of ['array', 'empty-string', 'missing'] as const) {
      sims.lastfm.setQuirks({ emptyTags });
      await expect(providers.require('lastfm').artistTopTags(untagged.name)).resolves.toMatchObject({ tags: [] });
    }
  });

  it('accepts a single tag returned as an object', () => {
    // The generated library never has exactly one tag, so this quirk is checked on the documented shape.
    const parsed = lastfmTopTagsSchema.parse({
      toptags: { tag: { count: 100, name: 'shoegaze', url: 'u' }, '@attr': { artist: 'X' } },
    });
    expect(parsed.toptags.tag).toEqual([{ name: 'shoegaze', count: 100 }]);
    expect(lastfmTopTagsSchema.parse({ toptags: '' }).toptags.tag).toEqual([]);
  });

  it('retries the transient errors 8, 11 and 16 that come inside HTTP 200', async () => {
    const lastfm = providers.require('lastfm');
    const name = sims.library.artist(15).name;
    for (const code of [8, 11, 16]) {
      sims.lastfm.faults.failNext({ kind: 'api-error', code });
      const before = sims.log.count({ provider: 'lastfm' });
      await expect(lastfm.artistTopTags(name)).resolves.toMatchObject({ artist: name });
      expect(sims.log.count({ provider: 'lastfm' }) - before).toBe(2);
    }
    sims.lastfm.faults.failNext({ kind: 'api-error', code: 16 }, 10);
    const error = await failure(lastfm.artistTopTags(name));
    expect(error).toMatchObject({ kind: 'unavailable', code: 'server-error' });
    expect(error.message).toContain('error 16');
  });

  it('pauses and retries on error 29, whether it comes with HTTP 429 or 200', async () => {
    const lastfm = providers.require('lastfm');
    const name = sims.library.artist(16).name;
    for (const rateLimitStatus of [429, 200] as const) {
      sims.lastfm.setQuirks({ rateLimitStatus });
      sims.lastfm.faults.failNext({ kind: 'api-error', code: 29 });
      const before = providers.stats().lastfm.counters?.rateLimited ?? 0;
      await expect(lastfm.artistTopTags(name)).resolves.toMatchObject({ artist: name });
      expect(providers.stats().lastfm.counters?.rateLimited).toBe(before + 1);
    }
  });

  it('pauses on a wrong key (10) and a suspended key (26), sends nothing more, and never shows the key', async () => {
    const wrongKey = providersFor(sims, {}, { LASTFM_API_KEY: 'not-the-right-key-4711' });
    const error = await failure(wrongKey.require('lastfm').artistTopTags('AC/DC'));
    expect(error).toMatchObject({ kind: 'unauthorised', code: 'paused' });
    expect(error.message).toContain('error 10');
    expect(error.message).not.toContain('not-the-right-key-4711');
    expect(wrongKey.pause('lastfm')?.reason).toMatch(/^error 10: Invalid API key/);

    sims.lastfm.setQuirks({ suspended: true });
    const suspendedProviders = providersFor(sims);
    const changes: Array<string | undefined> = [];
    suspendedProviders.onPauseChange((name, pause) => changes.push(`${name}: ${pause?.reason ?? 'resumed'}`));
    const before = sims.log.count({ provider: 'lastfm' });
    const refusals = await Promise.all(
      [1, 2, 3, 4, 5, 6].map((index) =>
        failure(suspendedProviders.require('lastfm').artistTopTags(sims.library.artist(index).name)),
      ),
    );
    for (const refusal of refusals) expect(refusal).toMatchObject({ kind: 'unauthorised', code: 'paused' });
    expect(refusals[0]?.message).toContain('error 26');
    // The first refusal stops the rest: they fail without being sent, and the pause is announced once.
    expect(sims.log.count({ provider: 'lastfm' }) - before).toBe(1);
    expect(changes).toEqual([
      'lastfm: error 26: Suspended API key - Access for your account has been suspended, please contact Last.fm',
    ]);
    expect(suspendedProviders.pause('lastfm')?.retryAt.getTime()).toBeGreaterThan(Date.now() + 23 * 3600_000);
  });

  it('retries 5xx, resets and stalls, and reports malformed or truncated bodies as bad-response', async () => {
    const lastfm = providers.require('lastfm');
    const name = sims.library.artist(29).name;
    for (const fault of [
      { kind: 'status', status: 500 },
      { kind: 'status', status: 503 },
      { kind: 'reset' },
      { kind: 'stall' },
    ] as const) {
      sims.lastfm.faults.failNext(fault);
      await expect(lastfm.artistTopTags(name)).resolves.toMatchObject({ artist: name });
    }
    for (const kind of ['malformed', 'truncated'] as const) {
      sims.lastfm.faults.failNext(kind);
      const error = await failure(lastfm.artistTopTags(name));
      expect(error).toMatchObject({ kind: 'bad-response', code: 'invalid-body' });
    }
    sims.lastfm.faults.failNext({ kind: 'status', status: 502 }, 3);
    const exhausted = await failure(lastfm.artistTopTags(name));
    expect(exhausted).toMatchObject({ kind: 'unavailable', status: 502 });
  });

  it('shares one request between concurrent asks for the same artist', async () => {
    const name = sims.library.artist(35).name;
    const before = sims.log.count({ provider: 'lastfm', query: { artist: name } });
    const results = await Promise.all(Array.from({ length: 8 }, () => providers.require('lastfm').artistTopTags(name)));
    expect(new Set(results.map((result) => JSON.stringify(result))).size).toBe(1);
    expect(sims.log.count({ provider: 'lastfm', query: { artist: name } }) - before).toBe(1);
  });

  it('never logs the API key', () => {
    expect(captured.lines.length).toBeGreaterThan(0);
    expect(captured.lines.join('\n')).not.toContain(sims.lastfm.apiKey);
  });
});
