// The artist merge rules (a contract that apps rely on): Plex (Genre and Style tags are genres, Mood
// tags are moods) and Last.fm always; MusicBrainz only when both gave no genres; Spotify only when
// MusicBrainz gave none either. Providers come in as plain async functions, so this is the only place
// that decides who is asked.
import { GENRE_SOURCE_ORDER, systemClock, type WeightedTag } from '../types.ts';
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

export type ArtistSource = (typeof GENRE_SOURCE_ORDER)[number];

export interface ArtistIdentity {
  name: string;
  plexRatingKey?: string;
  musicbrainzId?: string;
}

export interface ArtistEnrichmentInput extends ArtistIdentity {
  /**
   * What Plex's detail view already said about the artist (a batched read of its listing page); when
   * absent, the plex fetcher is asked.
   */
  plex?: ProviderOutcome<PlexTagSet>;
}

/** Spotify's answer: an artist object without a `genres` field says nothing, which is not "no genres". */
export type SpotifyGenresAnswer =
  | { outcome: 'genres'; genres: readonly string[] }
  | { outcome: 'cannot-say'; reason: string };

/** MusicBrainz's answer: several artists of the name and nothing to tell which is meant is "cannot say". */
export type MusicbrainzGenresAnswer = { genres: readonly WeightedTag[] } | { outcome: 'cannot-say'; reason: string };

/** One async function per provider; leave a provider out when it is not configured. */
export interface ArtistFetchers {
  plex?: ProviderFetcher<ArtistIdentity, PlexTagSet>;
  lastfm?: ProviderFetcher<ArtistIdentity, { tags: readonly WeightedTag[] }>;
  musicbrainz?: ProviderFetcher<ArtistIdentity, MusicbrainzGenresAnswer>;
  spotify?: ProviderFetcher<ArtistIdentity, SpotifyGenresAnswer>;
}

/** How each provider's raw record is weighed; shared by enrichment and re-merging. */
export function artistListSpec(source: ArtistSource, settings: EnrichmentSettings): ListSpec<ArtistSource> {
  switch (source) {
    case 'plex':
      return { source, weighting: 'flat' };
    case 'lastfm':
      return {
        source,
        weighting: 'relative',
        minWeight: settings.lastfmMinTagWeight,
        routeMoods: true,
        routeFacets: true,
      };
    case 'musicbrainz':
      // A vote count of zero or less is MusicBrainz saying "not really".
      return { source, weighting: 'relative', minWeight: 1, routeMoods: true, routeFacets: true };
    case 'spotify':
      return { source, weighting: 'flat', routeMoods: true, routeFacets: true };
  }
}

async function askSpotify(
  fetcher: ArtistFetchers['spotify'],
  identity: ArtistIdentity,
  signal: AbortSignal | undefined,
): Promise<ProviderOutcome<readonly string[]>> {
  const outcome = await callProvider(fetcher, identity, signal);
  if (outcome.status !== 'answered') return outcome;
  const answer = outcome.value;
  return answer.outcome === 'cannot-say'
    ? { status: 'cannot-say', reason: answer.reason }
    : { status: 'answered', value: answer.genres };
}

async function askMusicbrainz(
  fetcher: ArtistFetchers['musicbrainz'],
  identity: ArtistIdentity,
  signal: AbortSignal | undefined,
): Promise<ProviderOutcome<{ genres: readonly WeightedTag[] }>> {
  const outcome = await callProvider(fetcher, identity, signal);
  if (outcome.status !== 'answered') return outcome;
  const answer = outcome.value;
  return 'reason' in answer ? { status: 'cannot-say', reason: answer.reason } : { status: 'answered', value: answer };
}

/** Enriches one artist and returns the entry to store. Rethrows only cancellation. */
export async function enrichArtist(
  input: ArtistEnrichmentInput,
  fetchers: ArtistFetchers,
  settings: EnrichmentSettings,
  options: EnrichRunOptions<ArtistSource> = {},
): Promise<EnrichedEntry<ArtistSource>> {
  const now = (options.clock ?? systemClock)();
  const { signal } = options;
  const previous = options.previousRawTags ?? {};
  const identity: ArtistIdentity = {
    name: input.name,
    plexRatingKey: input.plexRatingKey,
    musicbrainzId: input.musicbrainzId,
  };
  const merge: MergeSettings = {
    rules: settings.rules,
    maxGenres: settings.maxGenres,
    ownNames: [input.name],
    overrides: options.overrides,
    facetLimits: settings.facetLimits,
  };
  const rawTags: RawTags<ArtistSource> = {};
  const lists: TagList<ArtistSource>[] = [];
  const askFallback = fallbackMergeSettings(merge);
  const hasGenres = (candidate: readonly TagList<ArtistSource>[]) =>
    mergeTags(candidate, askFallback).genres.length > 0;

  const [plex, lastfm] = await Promise.all([
    input.plex !== undefined ? Promise.resolve(input.plex) : callProvider(fetchers.plex, identity, signal),
    callProvider(fetchers.lastfm, identity, signal),
  ]);
  rawTags.plex = rawRecord(plex, now, plexRecordTags, previous.plex);
  rawTags.lastfm = rawRecord(lastfm, now, (value) => ({ genres: [...value.tags] }), previous.lastfm);
  const listsOf = (source: ArtistSource) => tagLists(rawTags[source], artistListSpec(source, settings));
  lists.push(...listsOf('plex'), ...listsOf('lastfm'));

  if (!hasGenres(lists)) {
    options.onFallback?.();
    const musicbrainz = await askMusicbrainz(fetchers.musicbrainz, identity, signal);
    rawTags.musicbrainz = rawRecord(musicbrainz, now, (value) => ({ genres: [...value.genres] }), previous.musicbrainz);
    const fromMusicbrainz = listsOf('musicbrainz');
    lists.push(...fromMusicbrainz);

    if (!hasGenres(fromMusicbrainz)) {
      const spotify = await askSpotify(fetchers.spotify, identity, signal);
      rawTags.spotify = rawRecord(spotify, now, (genres) => ({ genres: plainTags(genres) }), previous.spotify);
      lists.push(...listsOf('spotify'));
    }
  }

  for (const source of GENRE_SOURCE_ORDER) if (rawTags[source] === undefined) delete rawTags[source];
  return buildEntry(mergeTags(lists, merge), rawTags, GENRE_SOURCE_ORDER, now);
}
