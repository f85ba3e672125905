// Types shared across modules (providers, enrichment, cache, jobs, API). Module-private types stay in their module.

export type ProviderName = 'plex' | 'lastfm' | 'musicbrainz' | 'spotify' | 'audiomuse';

/** Provider order used for the `source` column (contract): plex,lastfm,musicbrainz,spotify. */
export const GENRE_SOURCE_ORDER = ['plex', 'lastfm', 'musicbrainz', 'spotify'] as const;

/** Album `source` order: as for artists, then `artist` when the artist's cached genres were the fallback. */
export const ALBUM_GENRE_SOURCE_ORDER = ['plex', 'lastfm', 'artist'] as const;

/** Usage tiers from `last_used_at`: hot and warm entries are kept fresh, cold ones may lapse. */
export type UsageTier = 'hot' | 'warm' | 'cold';

/** A tag as a provider gave it. `weight` is provider-relative (Last.fm: 0-100 of the top tag; MusicBrainz: vote count). */
export interface WeightedTag {
  name: string;
  weight?: number;
}

/** The typed set every provider failure is sorted into. */
export type ProviderErrorKind =
  | 'not-found'
  | 'rate-limited'
  | 'unavailable'
  | 'unauthorised'
  | 'bad-response'
  | 'not-configured';

export type EntryStatus = 'ok' | 'empty' | 'partial' | 'error';
export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export type JobTrigger = 'api' | 'schedule' | 'cli';

/** Task names (contract). */
export const JOB_KINDS = [
  'cache-warm',
  'cache-warm-albums',
  'cache-refresh',
  'track-stats-refresh',
  'track-static-refresh',
  'audio-features-sync',
  'cache-remerge',
] as const;
export type JobKind = (typeof JOB_KINDS)[number];

/** An injectable clock: time is a dependency, never a global. */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

// ---- Plex items as the Plex client returns them (already parsed and validated) ----

export interface PlexSection {
  key: string;
  title: string;
  type: string;
}

export interface PlexArtist {
  ratingKey: string;
  name: string;
  genres: string[];
  styles: string[];
  moods: string[];
  musicbrainzId?: string;
  /** Plex's updatedAt (epoch seconds), to notice changed items. */
  updatedAt?: number;
}

export interface PlexAlbum {
  ratingKey: string;
  title: string;
  artistName: string;
  artistRatingKey?: string;
  genres: string[];
  styles: string[];
  moods: string[];
  year?: number;
  musicbrainzId?: string;
  updatedAt?: number;
}

export interface PlexTrack {
  ratingKey: string;
  title: string;
  artistName: string;
  albumTitle?: string;
  albumRatingKey?: string;
  trackNumber?: number;
  discNumber?: number;
  durationMs?: number;
  year?: number;
  /** Plex's 0-10 scale. */
  userRating?: number;
  viewCount: number;
  skipCount: number;
  lastViewedAt?: Date;
  musicbrainzId?: string;
  /** Genre and Style tags: only the detail view carries them (`PlexClient.trackDetails`), list views never. */
  genres: string[];
  styles: string[];
  /** Mood tags (Plex's sonic analysis): detail view only, like genres. */
  moods: string[];
  updatedAt?: number;
}

/** One track's analysis by AudioMuse, from GET /external/get_score or GET /api/sync, parsed. */
export interface AudioMuseScore {
  /** The id the caller asked with (the Plex ratingKey), as AudioMuse echoes it. */
  itemId: string;
  title?: string;
  artist?: string;
  tempo?: number;
  key?: string;
  scale?: string;
  energy?: number;
  moodVector: Record<string, number>;
  /** Empty when AudioMuse has not run its CLAP step (it stores all-zero placeholders until then). */
  otherFeatures: Record<string, number>;
  /** get_score only: the sync rows carry no duration. */
  durationSeconds?: number;
  /** /api/sync only: AudioMuse's fingerprint of this analysis; it changes when the track is re-analysed. */
  fingerprint?: string;
}
