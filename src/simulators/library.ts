// A seeded synthetic music library. Only the shape (album and track counts per artist and album) and the
// artist names are computed up front; every artist, album and track is derived from (seed, index) on demand,
// so 500,000 tracks can be served page by page without ever being held in memory together.
import { albumTitlesOf, generateAlbum } from './album-generator.ts';
import { generateArtist } from './artist-generator.ts';
import { BoundedCache } from './bounded-cache.ts';
import type { GeneratorContext } from './generator-context.ts';
import type { AudioMuseTruth, LibraryItem, SyntheticAlbum, SyntheticArtist, SyntheticTrack } from './library-types.ts';
import { autocorrectVariant, caseKey, foldKey, generateArtistName, skeletonKey, type GeneratedName } from './names.ts';
import { combine, rngFor, seedNumber } from './random.ts';
import { generateAudioFeatures, generateTrack } from './track-generator.ts';
import { SPECIAL_ARTISTS } from './vocabulary.ts';

export * from './library-types.ts';
export { GENRE_VARIANTS, SPECIAL_ARTIST_NAMES, SPECIAL_ARTISTS } from './vocabulary.ts';
export { foldKey, skeletonKey } from './names.ts';

export interface LibraryOptions {
  /** Same seed, same library. Default 1. */
  seed?: number | string;
  /** Number of artists. Default 40 unless `tracks` is given. */
  artists?: number;
  /** Total number of tracks (exact): artists are added until it is reached. Overrides `artists`. */
  tracks?: number;
  /** Put the awkward names (AC/DC, Björk, 坂本龍一, C+C Music Factory, #1 Dads…) first. Default true. */
  specialNames?: boolean;
  /** The library's "now" in epoch seconds; timestamps are generated before it. Default 2026-11-01T00:00:00Z. */
  epochSeconds?: number;
}

const DEFAULT_LIBRARY_EPOCH_SECONDS = Date.UTC(2026, 10, 1) / 1000;

/** Plex ratingKeys are small integers in insertion order; artists, albums and tracks take consecutive ranges. */
const FIRST_RATING_KEY = 100;

function albumCountFor(seed: number, artistIndex: number): number {
  return rngFor(seed, 'album-count', artistIndex).weighted<number>([
    [1, 20],
    [2, 20],
    [3, 18],
    [4, 14],
    [5, 10],
    [6, 8],
    [7, 5],
    [8, 5],
  ]);
}

function trackCountFor(seed: number, artistIndex: number, ordinal: number): number {
  const rng = rngFor(seed, 'track-count', artistIndex, ordinal);
  return rng.chance(0.15) ? rng.int(3, 5) : rng.int(8, 16);
}

/** Where each provider files its artists (by name, correction, id), for the simulators' lookups. */
export interface ProviderIndex {
  lastfmByName: Map<string, number>;
  lastfmByCorrection: Map<string, number>;
  lastfmByMbid: Map<string, number>;
  musicbrainzById: Map<string, number>;
  musicbrainzByFold: Map<string, number[]>;
  spotifyById: Map<string, number>;
  spotifyByFold: Map<string, number[]>;
}

export class SyntheticLibrary {
  readonly seed: number;
  readonly epochSeconds: number;
  readonly artistCount: number;
  readonly albumCount: number;
  readonly trackCount: number;
  readonly specialCount: number;
  private readonly names: GeneratedName[];
  private readonly albumStarts: Uint32Array;
  private readonly trackStarts: Uint32Array;
  private readonly context: GeneratorContext;
  private readonly artistCache = new BoundedCache<number, SyntheticArtist>(8);
  private readonly albumCache = new BoundedCache<number, SyntheticAlbum>(8);
  private readonly titleCache = new BoundedCache<number, string[]>(8);
  private byCaseKey: Map<string, number> | undefined;
  private byFoldKey: Map<string, number[]> | undefined;
  private knowledge: ProviderIndex | undefined;

  constructor(options: LibraryOptions = {}) {
    this.seed = seedNumber(options.seed ?? 1);
    this.epochSeconds = options.epochSeconds ?? DEFAULT_LIBRARY_EPOCH_SECONDS;
    const specials = options.specialNames === false ? [] : SPECIAL_ARTISTS;
    const trackTarget = options.tracks !== undefined ? Math.max(1, Math.floor(options.tracks)) : undefined;
    const artistTarget = trackTarget === undefined ? Math.max(1, Math.floor(options.artists ?? 40)) : undefined;

    const names: GeneratedName[] = [];
    const reserved = new Set<string>();
    const albumStarts: number[] = [0];
    const trackStarts: number[] = [0];
    let tracks = 0;
    for (let artist = 0; ; artist++) {
      if (artistTarget !== undefined && artist >= artistTarget) break;
      if (trackTarget !== undefined && tracks >= trackTarget) break;
      names.push(this.uniqueName(artist, specials, reserved));
      const albums = albumCountFor(this.seed, artist);
      for (let ordinal = 0; ordinal < albums; ordinal++) {
        let count = trackCountFor(this.seed, artist, ordinal);
        if (trackTarget !== undefined) count = Math.min(count, trackTarget - tracks);
        if (count <= 0) break;
        tracks += count;
        trackStarts.push(tracks);
      }
      albumStarts.push(trackStarts.length - 1);
    }
    this.names = names;
    this.specialCount = Math.min(specials.length, names.length);
    this.albumStarts = Uint32Array.from(albumStarts);
    this.trackStarts = Uint32Array.from(trackStarts);
    this.artistCount = names.length;
    this.albumCount = trackStarts.length - 1;
    this.trackCount = tracks;
    this.context = this.buildContext();
  }

  /** Names never share a letters-only skeleton, nor collide with another artist's autocorrect spelling. */
  private uniqueName(index: number, specials: typeof SPECIAL_ARTISTS, reserved: Set<string>): GeneratedName {
    const special = specials[index];
    let candidate: GeneratedName;
    if (special !== undefined) {
      candidate = { name: special.name, type: special.type, sortName: special.sortName };
    } else {
      const rng = rngFor(this.seed, 'artist-name', index);
      candidate = generateArtistName(rng);
      for (let attempt = 0; this.isTaken(candidate.name, reserved); attempt++) {
        const next = generateArtistName(rng);
        candidate =
          attempt < 6
            ? next
            : { ...next, name: `${next.name} ${rng.int(2, 99_999)}`, sortName: `${next.sortName} ${index}` };
      }
    }
    reserved.add(skeletonKey(candidate.name));
    reserved.add(skeletonKey(autocorrectVariant(candidate.name)));
    return candidate;
  }

  private isTaken(name: string, reserved: Set<string>): boolean {
    return reserved.has(skeletonKey(name)) || reserved.has(skeletonKey(autocorrectVariant(name)));
  }

  private buildContext(): GeneratorContext {
    const artistBase = FIRST_RATING_KEY;
    const albumBase = artistBase + this.artistCount;
    const trackBase = albumBase + this.albumCount;
    return {
      seed: this.seed,
      epochSeconds: this.epochSeconds,
      specialCount: this.specialCount,
      profileOffset: combine(this.seed, 'profile-offset') % 16,
      guidMachine: combine(this.seed, 'plex-guid-machine'),
      names: this.names,
      artistKey: (index) => String(artistBase + index),
      albumKey: (index) => String(albumBase + index),
      trackKey: (index) => String(trackBase + index),
      firstAlbumOf: (artist) => this.albumStarts[artist] ?? 0,
      albumCountOf: (artist) => (this.albumStarts[artist + 1] ?? 0) - (this.albumStarts[artist] ?? 0),
      firstTrackOf: (album) => this.trackStarts[album] ?? 0,
      trackCountOf: (album) => (this.trackStarts[album + 1] ?? 0) - (this.trackStarts[album] ?? 0),
    };
  }

  artist(index: number): SyntheticArtist {
    this.checkRange(index, this.artistCount, 'artist');
    return this.artistCache.get(index, () => generateArtist(this.context, index));
  }

  album(index: number): SyntheticAlbum {
    this.checkRange(index, this.albumCount, 'album');
    return this.albumCache.get(index, () => {
      const artist = this.artist(this.artistIndexOfAlbum(index));
      const titles = this.titleCache.get(artist.index, () => albumTitlesOf(this.context, artist.index));
      return generateAlbum(this.context, index, artist, titles);
    });
  }

  /** Never cached: tracks are generated for the page being served and dropped with it. */
  track(index: number): SyntheticTrack {
    this.checkRange(index, this.trackCount, 'track');
    const album = this.album(this.albumIndexOfTrack(index));
    return generateTrack(this.context, index, album, this.artist(album.artistIndex));
  }

  /** What AudioMuse has for a track; null when it has not analysed it (get_score answers 404). */
  audioFeatures(trackIndex: number): AudioMuseTruth | null {
    return generateAudioFeatures(this.context, this.track(trackIndex));
  }

  *artists(start = 0, count = Number.POSITIVE_INFINITY): Generator<SyntheticArtist> {
    const end = Math.min(this.artistCount, start + count);
    for (let index = Math.max(0, start); index < end; index++) yield this.artist(index);
  }

  *albums(start = 0, count = Number.POSITIVE_INFINITY): Generator<SyntheticAlbum> {
    const end = Math.min(this.albumCount, start + count);
    for (let index = Math.max(0, start); index < end; index++) yield this.album(index);
  }

  *tracks(start = 0, count = Number.POSITIVE_INFINITY): Generator<SyntheticTrack> {
    const end = Math.min(this.trackCount, start + count);
    for (let index = Math.max(0, start); index < end; index++) yield this.track(index);
  }

  albumsOf(artistIndex: number): SyntheticAlbum[] {
    const artist = this.artist(artistIndex);
    return [...this.albums(artist.firstAlbum, artist.albumCount)];
  }

  tracksOf(albumIndex: number): SyntheticTrack[] {
    const album = this.album(albumIndex);
    return [...this.tracks(album.firstTrack, album.trackCount)];
  }

  artistIndexOfAlbum(albumIndex: number): number {
    return upperBound(this.albumStarts, albumIndex) - 1;
  }

  albumIndexOfTrack(trackIndex: number): number {
    return upperBound(this.trackStarts, trackIndex) - 1;
  }

  byRatingKey(ratingKey: string): LibraryItem | undefined {
    if (!/^\d+$/.test(ratingKey)) return undefined;
    let offset = Number(ratingKey) - FIRST_RATING_KEY;
    if (offset < 0) return undefined;
    if (offset < this.artistCount) return { kind: 'artist', item: this.artist(offset) };
    offset -= this.artistCount;
    if (offset < this.albumCount) return { kind: 'album', item: this.album(offset) };
    offset -= this.albumCount;
    if (offset < this.trackCount) return { kind: 'track', item: this.track(offset) };
    return undefined;
  }

  /** The artist Plex lists under this name (case-insensitive), if any. */
  artistByName(name: string): SyntheticArtist | undefined {
    if (this.byCaseKey === undefined) {
      this.byCaseKey = new Map(this.names.map((generated, index) => [caseKey(generated.name), index]));
    }
    const index = this.byCaseKey.get(caseKey(name));
    return index === undefined ? undefined : this.artist(index);
  }

  /** Artists whose Plex name matches ignoring case and diacritics. */
  artistsByFoldedName(name: string): SyntheticArtist[] {
    if (this.byFoldKey === undefined) {
      const map = new Map<string, number[]>();
      for (const [index, generated] of this.names.entries()) pushTo(map, foldKey(generated.name), index);
      this.byFoldKey = map;
    }
    return (this.byFoldKey.get(foldKey(name)) ?? []).map((index) => this.artist(index));
  }

  /** Where each provider files its artists: built once, on first use, by generating every artist. */
  index(): ProviderIndex {
    if (this.knowledge !== undefined) return this.knowledge;
    const index: ProviderIndex = {
      lastfmByName: new Map(),
      lastfmByCorrection: new Map(),
      lastfmByMbid: new Map(),
      musicbrainzById: new Map(),
      musicbrainzByFold: new Map(),
      spotifyById: new Map(),
      spotifyByFold: new Map(),
    };
    for (const artist of this.artists()) {
      if (artist.lastfm !== null) {
        index.lastfmByName.set(caseKey(artist.lastfm.name), artist.index);
        for (const correction of artist.lastfm.corrections)
          index.lastfmByCorrection.set(caseKey(correction), artist.index);
        if (artist.lastfm.mbid !== undefined) index.lastfmByMbid.set(artist.lastfm.mbid, artist.index);
      }
      if (artist.musicbrainz !== null) {
        index.musicbrainzById.set(artist.musicbrainz.id, artist.index);
        pushTo(index.musicbrainzByFold, foldKey(artist.musicbrainz.name), artist.index);
      }
      if (artist.spotify !== null) {
        index.spotifyById.set(artist.spotify.id, artist.index);
        pushTo(index.spotifyByFold, foldKey(artist.spotify.name), artist.index);
      }
    }
    // A canonical name always wins over someone else's autocorrect spelling.
    for (const key of index.lastfmByName.keys()) index.lastfmByCorrection.delete(key);
    this.knowledge = index;
    return index;
  }

  private checkRange(index: number, size: number, what: string): void {
    if (!Number.isInteger(index) || index < 0 || index >= size) {
      throw new RangeError(`${what} ${index} is outside the library (0-${size - 1})`);
    }
  }
}

function pushTo(map: Map<string, number[]>, key: string, value: number): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

/** First position whose value is greater than `value` (the arrays are non-decreasing). */
function upperBound(values: Uint32Array, value: number): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((values[middle] ?? 0) <= value) low = middle + 1;
    else high = middle;
  }
  return low;
}

export function createLibrary(options: LibraryOptions = {}): SyntheticLibrary {
  return new SyntheticLibrary(options);
}
