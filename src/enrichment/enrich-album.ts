// The album merge rules (contract): Last.fm album tags first, Plex album tags second, both merged; the
// artist's cached genres only when both gave none (then `artist` is in `source`). Spotify is never asked.
import { ALBUM_GENRE_SOURCE_ORDER, systemClock, type WeightedTag } from '../types.ts';
import type { ArtistIdentity } from './enrich-artist.ts';
import {
  buildEntry,
  fallbackMergeSettings,
  plainTags,
  rawRecord,
  tagLists,
  type EnrichedEntry,
  type EnrichRunOptions,
  type ListSpec,
  type RawTags,
} from './entry.ts';
import { mergeTags, type MergeSettings, type TagList } from './genre-merge.ts';
import { callProvider, type ProviderFetcher, type ProviderOutcome } from './provider-call.ts';
import { plexRecordTags, type PlexTagSet } from './plex-tags.ts';
import type { EnrichmentSettings } from './settings.ts';

export type AlbumSource = (typeof ALBUM_GENRE_SOURCE_ORDER)[number];

export interface AlbumIdentity {
  artistName: string;
  title: string;
  plexRatingKey?: string;
  musicbrainzId?: string;
  /** The album artist, for the fallback to its cached genres. */
  artist?: ArtistIdentity;
}

export interface AlbumEnrichmentInput extends AlbumIdentity {
  /**
   * What Plex's detail view already said about the album (a batched read of its listing page); when
   * absent, the plex fetcher is asked.
   */
  plex?: ProviderOutcome<PlexTagSet>;
}

export interface AlbumFetchers {
  lastfm?: ProviderFetcher<AlbumIdentity, { tags: readonly WeightedTag[] }>;
  plex?: ProviderFetcher<AlbumIdentity, PlexTagSet>;
  /**
   * The artist's genres from the cache (never a provider call: an album lookup must not fan out into
   * artist lookups). Resolve undefined when the artist has no entry.
   */
  artistGenres?: ProviderFetcher<AlbumIdentity, readonly string[] | undefined>;
}

/** Priority order of the merge: Last.fm's album tags outrank Plex's on a tie. */
export const ALBUM_PRIORITY: readonly AlbumSource[] = ['lastfm', 'plex', 'artist'];

export function albumListSpec(source: AlbumSource, settings: EnrichmentSettings): ListSpec<AlbumSource> {
  switch (source) {
    case 'lastfm':
      return {
        source,
        weighting: 'relative',
        minWeight: settings.lastfmMinTagWeight,
        routeMoods: true,
        routeFacets: true,
      };
    case 'plex':
    case 'artist':
      return { source, weighting: 'flat' };
  }
}

// An artist without a cache entry knows nothing about the album: an answer, not a failure.
function knownGenres(outcome: ProviderOutcome<readonly string[] | undefined>): ProviderOutcome<readonly string[]> {
  if (outcome.status !== 'answered') return outcome;
  return outcome.value === undefined ? { status: 'not-found' } : { status: 'answered', value: outcome.value };
}

/** Enriches one album and returns the entry to store. Rethrows only cancellation. */
export async function enrichAlbum(
  input: AlbumEnrichmentInput,
  fetchers: AlbumFetchers,
  settings: EnrichmentSettings,
  options: EnrichRunOptions<AlbumSource> = {},
): Promise<EnrichedEntry<AlbumSource>> {
  const now = (options.clock ?? systemClock)();
  const { signal } = options;
  const previous = options.previousRawTags ?? {};
  const { plex: inlinePlex, ...identity } = input;
  const merge: MergeSettings = {
    rules: settings.rules,
    maxGenres: settings.maxGenres,
    ownNames: [input.artistName, input.title],
    overrides: options.overrides,
    facetLimits: settings.facetLimits,
  };
  const rawTags: RawTags<AlbumSource> = {};
  const listsOf = (source: AlbumSource): TagList<AlbumSource>[] =>
    tagLists(rawTags[source], albumListSpec(source, settings));

  const [lastfm, plex] = await Promise.all([
    callProvider(fetchers.lastfm, identity, signal),
    inlinePlex !== undefined ? Promise.resolve(inlinePlex) : callProvider(fetchers.plex, identity, signal),
  ]);
  rawTags.lastfm = rawRecord(lastfm, now, (value) => ({ genres: [...value.tags] }), previous.lastfm);
  rawTags.plex = rawRecord(plex, now, plexRecordTags, previous.plex);
  const lists = [...listsOf('lastfm'), ...listsOf('plex')];

  if (mergeTags(lists, fallbackMergeSettings(merge)).genres.length === 0) {
    const artist = knownGenres(await callProvider(fetchers.artistGenres, identity, signal));
    rawTags.artist = rawRecord(artist, now, (genres) => ({ genres: plainTags(genres) }), previous.artist);
    lists.push(...listsOf('artist'));
  }

  for (const source of ALBUM_PRIORITY) if (rawTags[source] === undefined) delete rawTags[source];
  return buildEntry(mergeTags(lists, merge), rawTags, ALBUM_GENRE_SOURCE_ORDER, now);
}
