import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Providers } from '../../src/providers/create-providers.ts';
import { PROVIDER_RATE_LIMITS, SPECIAL_ARTIST_NAMES, type Simulators } from '../../src/simulators/index.ts';
import { providersFor, simulators } from './support.ts';

let sims: Simulators;
let providers: Providers;
// MusicBrainz allows 1 request/s; these tests raise both sides to 20/s to stay quick. One test checks the
// real 1/s against the default limiter.
const FAST_RULE = { limit: 20, windowMs: 1000 };

beforeAll(async () => {
  sims = await simulators({ musicbrainz: { quirks: { rateLimit: FAST_RULE } } });
  providers = providersFor(sims, { perProvider: { musicbrainz: { requestsPerSecond: 15 } } });
});

afterAll(async () => {
  await sims.close();
});

afterEach(() => {
  sims.musicbrainz.faults.reset();
  sims.musicbrainz.setQuirks({ rateLimit: FAST_RULE, namesakes: false });
});

describe('MusicBrainz client', () => {
  it('looks up genres by MusicBrainz id, with inc=genres and a User-Agent with a contact', async () => {
    const truth = sims.library.artist(0);
    const mbid = truth.plex.mbid ?? '';
    const result = await providers.require('musicbrainz').artistGenresById(mbid);
    expect(result).toMatchObject({ mbid: truth.musicbrainz?.id, name: truth.musicbrainz?.name, matchedBy: 'mbid' });
    expect(result.genres.map((genre) => genre.name).sort()).toEqual(
      truth.musicbrainz?.genres.map((genre) => genre.name).sort(),
    );
    const request = sims.log.filter({ provider: 'musicbrainz', path: `/ws/2/artist/${mbid}` }).at(-1);
    expect(request?.query).toMatchObject({ inc: 'genres', fmt: 'json' });
    expect(request?.headers['user-agent']).toMatch(/^linernotes\/\d+\.\d+\.\d+ \( \S+ \)$/);
  });

  it('finds every special name by an exact-name search and comes back with the same artist', async () => {
    const musicbrainz = providers.require('musicbrainz');
    for (const name of SPECIAL_ARTIST_NAMES) {
      const truth = sims.library.artistByName(name)?.musicbrainz;
      const result = await musicbrainz.artistGenresByName(name);
      expect(result).toMatchObject({ mbid: truth?.id, name: truth?.name, matchedBy: 'name' });
      const search = sims.log.filter({ provider: 'musicbrainz', path: '/ws/2/artist' }).at(-1);
      expect(search?.query.query).toBe(`artist:"${name}"`);
    }
  });

  it("tells namesakes apart by the library's album titles among their release groups, and says ambiguous when nothing does", async () => {
    sims.musicbrainz.setQuirks({ namesakes: true });
    const musicbrainz = providers.require('musicbrainz');
    const artist = sims.library.artist(3);
    const titles = sims.library.albumsOf(3).map((album) => album.title);
    expect(titles.length).toBeGreaterThan(0);
    // The simulator lists the namesake first: the first exact name would be the wrong artist.
    const since = Date.now();
    const picked = await musicbrainz.artistGenres({ name: artist.name, albumTitles: async () => titles.slice(0, 1) });
    expect(picked).toMatchObject({ outcome: 'genres', mbid: artist.musicbrainz?.id, matchedBy: 'name' });
    const browsed = sims.log.filter({ provider: 'musicbrainz', path: '/ws/2/release-group', since });
    expect(browsed.map((entry) => entry.query.artist)).toContain(artist.musicbrainz?.id);

    // No album titles, or titles neither namesake has: no guess, and no release group is read for nothing.
    const before = sims.log.count({ provider: 'musicbrainz', path: '/ws/2/release-group' });
    const unknown = await musicbrainz.artistGenres({ name: artist.name, albumTitles: async () => [] });
    expect(unknown).toMatchObject({
      outcome: 'ambiguous',
      name: artist.name,
      candidates: [expect.anything(), expect.anything()],
    });
    expect(sims.log.count({ provider: 'musicbrainz', path: '/ws/2/release-group' })).toBe(before);
    await expect(
      musicbrainz.artistGenres({ name: artist.name, albumTitles: async () => ['No Such Album Anywhere'] }),
    ).resolves.toMatchObject({
      outcome: 'ambiguous',
    });
  });

  it('falls back from an id MusicBrainz does not know to the name', async () => {
    const truth = sims.library.artist(3);
    const result = await providers
      .require('musicbrainz')
      .artistGenres({ name: truth.name, musicbrainzId: '00000000-0000-4000-8000-000000000000' });
    expect(result).toMatchObject({ mbid: truth.musicbrainz?.id, matchedBy: 'name' });
  });

  it('says not-found for an unknown name (near misses are not taken) and for a malformed id without asking', async () => {
    const musicbrainz = providers.require('musicbrainz');
    await expect(musicbrainz.artistGenresByName('Qwzxv Nonexistent Ensemble')).rejects.toMatchObject({
      kind: 'not-found',
    });
    const before = sims.log.count({ provider: 'musicbrainz' });
    await expect(musicbrainz.artistGenresById('not-an-mbid')).rejects.toMatchObject({ kind: 'not-found' });
    expect(sims.log.count({ provider: 'musicbrainz' })).toBe(before);
  });

  it("retries its 503s and the front end's HTML errors, and sorts a malformed body as bad-response", async () => {
    const musicbrainz = providers.require('musicbrainz');
    const mbid = sims.library.artist(1).plex.mbid ?? '';
    sims.musicbrainz.faults.failNext({ kind: 'api-error' });
    sims.musicbrainz.faults.failNext({ kind: 'status', status: 502 });
    await expect(musicbrainz.artistGenresById(mbid)).resolves.toMatchObject({ matchedBy: 'mbid' });
    sims.musicbrainz.faults.failNext('malformed');
    await expect(musicbrainz.artistGenresById(sims.library.artist(2).plex.mbid ?? '')).rejects.toMatchObject({
      kind: 'bad-response',
    });
  });

  it('pauses the shared limiter on a 503 with X-RateLimit-Reset, and sends nothing before the reset', async () => {
    sims.musicbrainz.setQuirks({
      rateLimit: PROVIDER_RATE_LIMITS.musicbrainz,
      rateLimitHeaders: true,
      retryAfterOn503: false,
    });
    // Three times what MusicBrainz accepts, so that it refuses.
    const eager = providersFor(sims, { perProvider: { musicbrainz: { requestsPerSecond: 3 } } });
    const since = Date.now();
    const ids = [4, 5, 6, 7].map((index) => sims.library.artist(index).plex.mbid ?? '');
    await Promise.all(ids.map((id) => eager.require('musicbrainz').artistGenresById(id)));
    const entries = sims.log.filter({ provider: 'musicbrainz', since });
    const refused = entries.filter((entry) => entry.status === 503);
    expect(refused.length).toBeGreaterThan(0);
    expect(eager.stats().musicbrainz.counters?.rateLimited).toBe(refused.length);
    for (const refusal of refused) {
      // The window the refusal named: one second after the last accepted arrival (less the jitter tolerance), in whole seconds.
      const accepted = entries.filter((entry) => entry.status !== 503 && entry.startedAt <= refusal.startedAt).at(-1);
      const resetMs = Math.ceil(((accepted?.startedAt ?? 0) + 975) / 1000) * 1000;
      const next = entries.find((entry) => entry.startedAt > refusal.startedAt);
      expect(next?.startedAt ?? Number.POSITIVE_INFINITY).toBeGreaterThanOrEqual(resetMs - 5);
    }
  });

  it('keeps to the real 1 request/s with the default limiter', async () => {
    sims.musicbrainz.setQuirks({ rateLimit: PROVIDER_RATE_LIMITS.musicbrainz });
    const defaults = providersFor(sims);
    const since = Date.now();
    const ids = [4, 5, 6].map((index) => sims.library.artist(index).plex.mbid ?? '');
    await Promise.all(ids.map((id) => defaults.require('musicbrainz').artistGenresById(id)));
    expect(sims.log.count({ provider: 'musicbrainz', since, status: 503 })).toBe(0);
    // The simulator's 25 ms tolerance for network jitter, applied here too.
    expect(sims.log.maxInWindow(975, { provider: 'musicbrainz', since })).toBe(1);
  });
});
