// What a warm asks of each provider, per listing page and per entity it fetches. The warm bodies tally
// their dry runs with these functions and the estimate (src/jobs/estimate) counts with them before
// anything runs, so an estimate, a dry run and the warm follow the same plan.
//
// Per page: one listing request, and one batched detail request when the page has anything to fetch.
// Per artist: Last.fm once; MusicBrainz (one lookup by id, or a search and a lookup by name) only when Plex
// and Last.fm gave no genres; Spotify only when MusicBrainz gave none either (the merge rules of
// src/enrichment/enrich-artist.ts). Per album: Last.fm once (the rest come from Plex's page and the cache).
import type { Prisma } from '../../generated/prisma/client.ts';
import { DEFAULT_PLEX_PAGE_SIZE } from '../../providers/plex.ts';
import type { ProviderName } from '../../types.ts';

export type WarmKind = 'cache-warm' | 'cache-warm-albums';

/** Expected requests per provider (fractions while adding up entities; rounded when reported). */
export type RequestCounts = Partial<Record<ProviderName, number>>;

/** How MusicBrainz answered an artist's last fetch, as its raw tags record it. */
export type MusicbrainzOutcome = 'answered' | 'not-found' | 'cannot-say' | 'failed';

/** Whether an artist's last fetch went on to the fallback providers, read from its stored raw tags. */
export interface PreviousAsks {
  /** How MusicBrainz answered; undefined when it was not asked. */
  musicbrainz?: MusicbrainzOutcome;
  /** Spotify was sent a request (not merely skipped because it gives this app no genres). */
  spotify: boolean;
}

/**
 * The requests one MusicBrainz ask costs, by how it ended: by id, one lookup (and when the id is unknown,
 * the search by name as well); by name, a search, and a lookup of the match when there is exactly one.
 */
export function musicbrainzRequests(outcome: MusicbrainzOutcome, byId: boolean): number {
  if (byId) return outcome === 'not-found' ? 2 : 1;
  return outcome === 'answered' || outcome === 'failed' ? 2 : 1;
}

/**
 * How often artists went on to the fallbacks, over the cache's own history. Until the cache holds
 * artists (`sample` 0) the shares are assumptions, and an estimate says so.
 */
export interface FallbackShares {
  sample: number;
  /** Share of artists whose fetch went on to MusicBrainz. */
  fallback: number;
  /** The same share among artists whose Plex tags had no genres (the only ones that can fall back). */
  fallbackWithoutPlexGenres: number;
  /** Of the artists that fell back, the share that went on to Spotify. */
  spotifyAfterFallback: number;
  /** Share of artists Plex knows a MusicBrainz id of (one request instead of a search and a lookup). */
  withMusicbrainzId: number;
  /** MusicBrainz requests per artist that fell back, by id and by name. */
  musicbrainzPerFallback: { byId: number; byName: number };
}

// Before the first warm there is no history: roughly what a first warm of a typical library meets (most
// artists have Last.fm tags; a fifth or so have neither them nor Plex genres).
export const ASSUMED_FALLBACK_SHARES: FallbackShares = {
  sample: 0,
  fallback: 0.2,
  fallbackWithoutPlexGenres: 0.3,
  spotifyAfterFallback: 0.5,
  withMusicbrainzId: 0.5,
  musicbrainzPerFallback: { byId: 1, byName: 2 },
};

/** Which providers a warm would send requests to now. */
export interface AskedProviders {
  configured: (name: ProviderName) => boolean;
  /** False when Spotify is known to give these credentials no genres: it is then never sent a search. */
  spotifyGivesGenres: boolean;
}

/** One artist the warm fetches, as far as it is known before fetching it. */
export interface ArtistToFetch {
  /** The stored entry's last fetch, when the cache holds the artist. */
  previous?: PreviousAsks;
  /** Whether Plex's listing had genres or styles for it; undefined when no listing was read. */
  plexGenres?: boolean;
  /** Whether Plex knows its MusicBrainz id; a number is the share, when only counts are known. */
  musicbrainzId: boolean | number;
}

function add(counts: RequestCounts, provider: ProviderName, requests: number): void {
  if (requests > 0) counts[provider] = (counts[provider] ?? 0) + requests;
}

/** The requests one artist costs, on average: the fallbacks weighed by how likely they are. */
export function artistRequests(
  artist: ArtistToFetch,
  asked: AskedProviders,
  shares: FallbackShares,
  times = 1,
): RequestCounts {
  const counts: RequestCounts = {};
  if (asked.configured('lastfm')) add(counts, 'lastfm', times);
  const { previous } = artist;
  const fallback =
    previous !== undefined
      ? Number(previous.musicbrainz !== undefined || previous.spotify)
      : artist.plexGenres === true
        ? 0
        : artist.plexGenres === false
          ? shares.fallbackWithoutPlexGenres
          : shares.fallback;
  if (asked.configured('musicbrainz')) {
    const withId = typeof artist.musicbrainzId === 'number' ? artist.musicbrainzId : Number(artist.musicbrainzId);
    const perFallback =
      previous?.musicbrainz !== undefined
        ? musicbrainzRequests(previous.musicbrainz, withId === 1)
        : withId * shares.musicbrainzPerFallback.byId + (1 - withId) * shares.musicbrainzPerFallback.byName;
    add(counts, 'musicbrainz', times * fallback * perFallback);
  }
  if (asked.configured('spotify') && asked.spotifyGivesGenres) {
    const toSpotify =
      artist.previous !== undefined
        ? Number(artist.previous.spotify)
        : fallback * (asked.configured('musicbrainz') ? shares.spotifyAfterFallback : 1);
    add(counts, 'spotify', times * toSpotify);
  }
  return counts;
}

/** The requests one album costs: its Last.fm tags (Plex's come with the page, the artist's from the cache). */
export function albumRequests(asked: AskedProviders, times = 1): RequestCounts {
  const counts: RequestCounts = {};
  if (asked.configured('lastfm')) add(counts, 'lastfm', times);
  return counts;
}

/** Plex's requests for a whole warm: the section list, every listing page, a detail request per page with work. */
export function plexRequests(pages: number, pagesWithWork: number): number {
  return 1 + Math.max(1, pages) + pagesWithWork;
}

/** Listing pages of a library of this size (an empty library still costs one). */
export function listingPages(entities: number): number {
  return Math.max(1, Math.ceil(entities / DEFAULT_PLEX_PAGE_SIZE));
}

/** Adds `more` into `counts`. */
export function addRequests(counts: RequestCounts, more: RequestCounts): void {
  for (const [provider, requests] of Object.entries(more) as Array<[ProviderName, number]>)
    add(counts, provider, requests);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * What a stored artist's raw tags say about its last fetch: a record per provider that was asked. A
 * Spotify record that says it gives no genres at all was no request.
 */
export function previousAsksOf(rawTags: Prisma.JsonValue | undefined): PreviousAsks | undefined {
  if (!isRecord(rawTags)) return undefined;
  const { musicbrainz, spotify } = rawTags;
  return {
    musicbrainz: isRecord(musicbrainz) ? musicbrainzOutcome(musicbrainz.outcome) : undefined,
    spotify: isRecord(spotify) && spotify.reason !== 'genres-unavailable',
  };
}

const MUSICBRAINZ_OUTCOMES: readonly MusicbrainzOutcome[] = ['answered', 'not-found', 'cannot-say', 'failed'];

/** A stored outcome; anything else (a record written by an older version) counts as answered. */
export function musicbrainzOutcome(value: unknown): MusicbrainzOutcome {
  return MUSICBRAINZ_OUTCOMES.find((outcome) => outcome === value) ?? 'answered';
}

/** The dry run's count of a warm: pages and entities as its listing found them. */
export class WarmRequestTally {
  private pages = 0;
  private pagesWithWork = 0;
  private fetching = 0;
  private readonly counts: RequestCounts = {};

  constructor(
    private readonly asked: AskedProviders,
    readonly shares: FallbackShares,
  ) {}

  /** A listing page read, with how many of its entities the warm would fetch. */
  page(toFetch: number): void {
    this.pages += 1;
    this.fetching += toFetch;
    if (toFetch > 0) this.pagesWithWork += 1;
  }

  /** Entities the warm would fetch, over every page so far. */
  get toFetch(): number {
    return this.fetching;
  }

  artist(artist: ArtistToFetch): void {
    addRequests(this.counts, artistRequests(artist, this.asked, this.shares));
  }

  albums(count: number): void {
    addRequests(this.counts, albumRequests(this.asked, count));
  }

  requests(): RequestCounts {
    const counts = { ...this.counts };
    if (this.asked.configured('plex')) counts.plex = plexRequests(this.pages, this.pagesWithWork);
    return counts;
  }
}
