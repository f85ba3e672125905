import { describe, expect, it } from 'vitest';
import {
  GENRE_VARIANTS,
  SPECIAL_ARTIST_NAMES,
  createLibrary,
  foldKey,
  skeletonKey,
  type ArtistProfile,
} from '../../src/simulators/library.ts';

const canonical = (spelling: string): string | undefined => GENRE_VARIANTS.get(spelling.toLowerCase());

describe('synthetic library', () => {
  it('is the same library for the same seed, and a different one for another seed', () => {
    const a = createLibrary({ seed: 42, artists: 30 });
    const b = createLibrary({ seed: 42, artists: 30 });
    const c = createLibrary({ seed: 43, artists: 30 });
    expect([...b.artists()]).toEqual([...a.artists()]);
    expect([...b.tracks(0, 200)]).toEqual([...a.tracks(0, 200)]);
    expect([...b.albums()]).toEqual([...a.albums()]);
    expect(b.trackCount).toBe(a.trackCount);
    const namesA = [...a.artists()].slice(SPECIAL_ARTIST_NAMES.length).map((artist) => artist.name);
    const namesC = [...c.artists()].slice(SPECIAL_ARTIST_NAMES.length).map((artist) => artist.name);
    expect(namesC).not.toEqual(namesA);
  });

  it('derives each item from (seed, index): a track read alone equals the same track read in sequence', () => {
    const library = createLibrary({ seed: 9, artists: 60 });
    const inSequence = [...library.tracks()];
    const fresh = createLibrary({ seed: 9, artists: 60 });
    const picked = [inSequence.length - 1, 0, Math.floor(inSequence.length / 2), 17];
    for (const index of picked) expect(fresh.track(index)).toEqual(inSequence[index]);
  });

  it('puts the special names first when asked, and leaves them out when not', () => {
    const library = createLibrary({ seed: 1, artists: 12 });
    expect([...library.artists(0, SPECIAL_ARTIST_NAMES.length)].map((artist) => artist.name)).toEqual([
      ...SPECIAL_ARTIST_NAMES,
    ]);
    expect(SPECIAL_ARTIST_NAMES).toEqual(
      expect.arrayContaining([
        'AC/DC',
        "Guns N' Roses",
        'Simon & Garfunkel',
        'Björk',
        'Sigur Rós',
        '坂本龍一',
        'Μίκης Θεοδωράκης',
        'C+C Music Factory',
        '#1 Dads',
      ]),
    );
    const plain = createLibrary({ seed: 1, artists: 40, specialNames: false });
    const names = new Set([...plain.artists()].map((artist) => artist.name));
    for (const special of SPECIAL_ARTIST_NAMES) expect(names.has(special)).toBe(false);
  });

  it('covers every branch of the enrichment cascade even with a handful of artists', () => {
    const library = createLibrary({ seed: 5, artists: 10 + 16, specialNames: true });
    const profiles = new Set<ArtistProfile>([...library.artists()].map((artist) => artist.profile));
    for (const profile of [
      'full',
      'plex-only',
      'lastfm-only',
      'lastfm-autocorrect',
      'musicbrainz-by-id',
      'musicbrainz-by-search',
      'spotify-fallback',
      'no-spotify',
      'nobody',
    ] as const) {
      expect(profiles.has(profile)).toBe(true);
    }
    for (const artist of library.artists()) {
      if (artist.profile === 'nobody') {
        expect(artist.genres).toEqual([]);
        expect(artist.plex.genres).toEqual([]);
        expect(artist.lastfm).toBeNull();
        expect(artist.musicbrainz).toBeNull();
        expect(artist.spotify).toBeNull();
      }
      if (artist.profile === 'musicbrainz-by-id') expect(artist.plex.mbid).toBe(artist.musicbrainz?.id);
      if (artist.profile === 'musicbrainz-by-search') expect(artist.plex.mbid).toBeUndefined();
      if (artist.profile === 'lastfm-autocorrect') {
        expect(artist.lastfm?.name).not.toBe(artist.name);
        expect(artist.lastfm?.corrections).toContain(artist.name);
      }
      if (artist.profile === 'spotify-fallback') {
        expect(artist.plex.genres).toEqual([]);
        expect(artist.lastfm?.tags).toEqual([]);
        expect(artist.musicbrainz?.genres ?? []).toEqual([]);
        expect(artist.spotify?.genres.length).toBeGreaterThan(0);
      }
    }
  });

  it('gives every provider spellings of the artist’s true genres only (noise below weight 10)', () => {
    const library = createLibrary({ seed: 11, artists: 200 });
    for (const artist of library.artists()) {
      const truth = new Set(artist.genres);
      for (const tag of [...artist.plex.genres, ...artist.plex.styles])
        expect(truth.has(canonical(tag) ?? tag)).toBe(true);
      for (const genre of artist.musicbrainz?.genres ?? [])
        expect(truth.has(canonical(genre.name) ?? genre.name)).toBe(true);
      for (const genre of artist.spotify?.genres ?? []) expect(truth.has(canonical(genre) ?? genre)).toBe(true);
      const tags = artist.lastfm?.tags ?? [];
      if (tags.length > 0) expect(tags[0]?.count).toBe(100);
      for (let i = 1; i < tags.length; i++) expect(tags[i]?.count).toBeLessThanOrEqual(tags[i - 1]?.count ?? 100);
      for (const tag of tags) {
        expect(tag.count).toBeGreaterThanOrEqual(0);
        expect(tag.count).toBeLessThanOrEqual(100);
        if (tag.kind === 'genre') {
          expect(truth.has(canonical(tag.name) ?? '')).toBe(true);
          expect(tag.count).toBeGreaterThanOrEqual(10);
        }
        if (tag.kind === 'noise') expect(tag.count).toBeLessThan(10);
      }
    }
  });

  it('has junk tags, the artist’s own name as a tag, and several spellings of one genre on one artist', () => {
    const library = createLibrary({ seed: 11, artists: 200 });
    const artists = [...library.artists()];
    const tags = artists.flatMap((artist) => artist.lastfm?.tags ?? []);
    expect(tags.some((tag) => tag.name === 'seen live' && tag.kind === 'junk')).toBe(true);
    expect(artists.some((artist) => artist.lastfm?.tags.some((tag) => tag.name === artist.lastfm?.name))).toBe(true);
    const withVariants = artists.filter((artist) => {
      const genreTags = (artist.lastfm?.tags ?? []).filter((tag) => tag.kind === 'genre');
      return new Set(genreTags.map((tag) => tag.genre)).size < genreTags.length;
    });
    expect(withVariants.length).toBeGreaterThan(0);
    const spellings = new Set(tags.map((tag) => tag.name));
    expect(
      [...spellings].filter((name) => canonical(name) === 'hip hop').length +
        [...spellings].filter((name) => canonical(name) === 'drum and bass').length,
    ).toBeGreaterThan(2);
  });

  it('has diacritics, non-Latin scripts and punctuation in names, and no two names a normaliser would confuse', () => {
    const library = createLibrary({ seed: 3, artists: 600 });
    const names = [...library.artists()].map((artist) => artist.name);
    expect(names.some((name) => /[\u0300-\u036f]/.test(name.normalize('NFD')))).toBe(true);
    expect(names.some((name) => /[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]/.test(name))).toBe(true);
    expect(names.some((name) => /[\u0400-\u04ff\u0370-\u03ff]/.test(name))).toBe(true);
    expect(names.some((name) => / & /.test(name))).toBe(true);
    expect(new Set(names.map(skeletonKey)).size).toBe(names.length);
    expect(new Set(names.map(foldKey)).size).toBe(names.length);
  });

  it('keeps track statistics on Plex scales and consistent with each other', () => {
    const library = createLibrary({ seed: 8, artists: 40 });
    let rated = 0;
    let played = 0;
    for (const track of library.tracks()) {
      if (track.userRating !== undefined) {
        rated++;
        expect(track.userRating).toBeGreaterThanOrEqual(0);
        expect(track.userRating).toBeLessThanOrEqual(10);
        expect(track.lastRatedAt).toBeDefined();
      }
      if (track.viewCount > 0) {
        played++;
        expect(track.lastViewedAt).toBeLessThanOrEqual(library.epochSeconds);
      } else {
        expect(track.lastViewedAt).toBeUndefined();
      }
      expect(track.skipCount).toBeGreaterThanOrEqual(0);
      const album = library.album(track.albumIndex);
      expect(track.albumTitle).toBe(album.title);
      expect(track.artistName).toBe(library.artist(album.artistIndex).name);
    }
    expect(rated).toBeGreaterThan(0);
    expect(played).toBeGreaterThan(0);
    expect(rated).toBeLessThan(library.trackCount);
  });

  it('hits an exact track count and maps ratingKeys back to their items', () => {
    const library = createLibrary({ seed: 2, tracks: 1234 });
    expect(library.trackCount).toBe(1234);
    expect([...library.tracks()]).toHaveLength(1234);
    const keys = new Set<string>();
    for (const artist of library.artists()) keys.add(artist.ratingKey);
    for (const album of library.albums()) keys.add(album.ratingKey);
    for (const track of library.tracks()) keys.add(track.ratingKey);
    expect(keys.size).toBe(library.artistCount + library.albumCount + library.trackCount);
    const track = library.track(1000);
    expect(library.byRatingKey(track.ratingKey)).toEqual({ kind: 'track', item: track });
    expect(library.byRatingKey(library.album(3).ratingKey)?.kind).toBe('album');
    expect(library.byRatingKey('99999999')).toBeUndefined();
    expect(library.byRatingKey('abc')).toBeUndefined();
  });

  it('produces 500,000 tracks lazily: built at once, any page on demand, memory bounded while iterating', () => {
    const started = performance.now();
    const library = createLibrary({ seed: 500, tracks: 500_000 });
    expect(library.trackCount).toBe(500_000);
    expect(performance.now() - started).toBeLessThan(5000);

    const deep = [...library.tracks(499_900, 100)];
    expect(deep).toHaveLength(100);
    expect(deep[99]?.index).toBe(499_999);

    const baseline = process.memoryUsage().heapUsed;
    let peak = baseline;
    let count = 0;
    for (const track of library.tracks()) {
      count++;
      if (track.index % 25_000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
    expect(count).toBe(500_000);
    // Holding the tracks would take several hundred MB; generating them page by page stays far below.
    expect(peak - baseline).toBeLessThan(150 * 1024 * 1024);
  });
});
