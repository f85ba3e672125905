// The "truth" of a synthetic library: what each provider knows about each item, as tests compare against it.
import type { ArtistType } from './names.ts';

export type { ArtistType } from './names.ts';

/**
 * Which providers know an artist, chosen in a fixed cycle so that even a handful of artists covers
 * every path of the enrichment cascade (Plex → Last.fm → MusicBrainz → Spotify).
 */
export type ArtistProfile =
  | 'special'
  | 'full'
  | 'plex-only'
  | 'lastfm-only'
  | 'lastfm-autocorrect'
  | 'musicbrainz-by-id'
  | 'musicbrainz-by-search'
  | 'spotify-fallback'
  | 'no-spotify'
  | 'nobody';

/**
 * genre: one of the artist's genres, in some spelling; junk: says nothing (`seen live`, the artist's name);
 * other: era, place or voice; noise: a stray genre under any sensible weight threshold (count < 10).
 */
export type LastfmTagKind = 'genre' | 'junk' | 'other' | 'noise';

export interface LastfmTag {
  name: string;
  /** 0-100, relative to the top tag (which is 100). */
  count: number;
  kind: LastfmTagKind;
  /** Canonical genre id when kind is genre or noise. */
  genre?: string;
}

export interface LastfmArtistTruth {
  /** Last.fm's own spelling. Differs from the Plex name for `lastfm-autocorrect` artists. */
  name: string;
  /** Spellings that `autocorrect=1` turns into `name`. */
  corrections: string[];
  mbid?: string;
  listeners: number;
  playcount: number;
  /** Sorted by count, descending; empty when Last.fm knows the artist but nobody tagged it. */
  tags: LastfmTag[];
}

export interface MusicBrainzGenre {
  id: string;
  name: string;
  count: number;
}

export interface MusicBrainzArtistTruth {
  id: string;
  name: string;
  sortName: string;
  type: ArtistType;
  country: string;
  disambiguation: string;
  beginYear: number;
  genres: MusicBrainzGenre[];
  tags: Array<{ name: string; count: number }>;
}

export interface SpotifyArtistTruth {
  id: string;
  name: string;
  /** Empty when Spotify has not classified the artist. */
  genres: string[];
  popularity: number;
  followers: number;
}

export interface PlexArtistTruth {
  /** `plex://artist/<hex>` for the modern agent. */
  guid: string;
  /** MusicBrainz id in the `Guid` array (`mbid://…`), when Plex matched one. */
  mbid?: string;
  genres: string[];
  styles: string[];
  moods: string[];
  countries: string[];
  summary: string;
  addedAt: number;
  updatedAt: number;
}

export interface SyntheticArtist {
  index: number;
  ratingKey: string;
  /** The name as Plex has it. */
  name: string;
  /** Plex's titleSort. */
  sortName: string;
  type: ArtistType;
  special: boolean;
  profile: ArtistProfile;
  /** ISO 3166 code. */
  country: string;
  /** The artist's true genres, canonical ids (see GENRE_VARIANTS), primary first. Every provider's genres are spellings of these. */
  genres: string[];
  plex: PlexArtistTruth;
  lastfm: LastfmArtistTruth | null;
  musicbrainz: MusicBrainzArtistTruth | null;
  spotify: SpotifyArtistTruth | null;
  firstAlbum: number;
  albumCount: number;
}

export interface SyntheticAlbum {
  index: number;
  ratingKey: string;
  /** The title as Plex has it. */
  title: string;
  artistIndex: number;
  artistRatingKey: string;
  artistName: string;
  year: number;
  originallyAvailableAt: string;
  studio: string;
  /** Canonical genre ids (a subset of the artist's). */
  genres: string[];
  plex: {
    guid: string;
    mbid?: string;
    genres: string[];
    styles: string[];
    moods: string[];
    addedAt: number;
    updatedAt: number;
  };
  /**
   * Last.fm's album under its own title; null when Last.fm does not know it ("Album not found", error 6).
   * When `name` differs from `title` (Plex has an edition suffix), a lookup by the Plex title misses too.
   */
  lastfm: { name: string; tags: LastfmTag[] } | null;
  firstTrack: number;
  trackCount: number;
}

export interface AudioMuseTruth {
  tempo: number;
  key: string;
  scale: 'major' | 'minor';
  energy: number;
  /** The top five MusiCNN labels, best first. */
  moods: Array<[label: string, score: number]>;
  /** All six CLAP labels in their fixed order; all zero when CLAP has not run. */
  otherFeatures: Array<[label: string, score: number]>;
  analysedAt: number;
}

export interface SyntheticTrack {
  index: number;
  ratingKey: string;
  title: string;
  /** The album artist (Plex grandparentTitle). */
  artistName: string;
  artistIndex: number;
  artistRatingKey: string;
  /** The track artist when it differs (a featured guest): Plex's originalTitle. */
  originalTitle?: string;
  albumIndex: number;
  albumRatingKey: string;
  albumTitle: string;
  trackNumber: number;
  discNumber: number;
  durationMs: number;
  year: number;
  /** Plex's 0-10 scale; absent when unrated. */
  userRating?: number;
  viewCount: number;
  skipCount: number;
  /** Epoch seconds; absent when never played. */
  lastViewedAt?: number;
  lastRatedAt?: number;
  addedAt: number;
  updatedAt: number;
  guid: string;
  mbid?: string;
  genres: string[];
  moods: string[];
  media: { container: string; codec: string; bitrate: number; file: string; size: number; partId: number };
}

export type LibraryItem =
  | { kind: 'artist'; item: SyntheticArtist }
  | { kind: 'album'; item: SyntheticAlbum }
  | { kind: 'track'; item: SyntheticTrack };
