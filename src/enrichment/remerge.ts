// Re-derives an entry from its stored raw tags, with no request: for a changed blocklist, alias table or
// MAX_GENRES, for a user's new pin or block, and for the refresh path when a provider's stored answer is
// reused. The same pass answers the entry's explanation, so `explain` and the stored genres agree.
import { ALBUM_GENRE_SOURCE_ORDER, GENRE_SOURCE_ORDER } from '../types.ts';
import { ALBUM_PRIORITY, albumListSpec, type AlbumSource } from './enrich-album.ts';
import { artistListSpec, type ArtistSource } from './enrich-artist.ts';
import { buildEntry, tagLists, type EnrichedEntry, type RawTags } from './entry.ts';
import type { EntryOverrides } from './entry-overrides.ts';
import { mergeTags, type MergedTags } from './genre-merge.ts';
import type { EnrichmentSettings } from './settings.ts';
import type { TagExplanation } from './tag-explanation.ts';

function mergeArtist(
  name: string,
  rawTags: RawTags<ArtistSource>,
  settings: EnrichmentSettings,
  overrides: EntryOverrides | undefined,
): MergedTags<ArtistSource> {
  const lists = GENRE_SOURCE_ORDER.flatMap((source) => tagLists(rawTags[source], artistListSpec(source, settings)));
  return mergeTags(lists, {
    rules: settings.rules,
    maxGenres: settings.maxGenres,
    ownNames: [name],
    facetLimits: settings.facetLimits,
    overrides,
  });
}

function mergeAlbum(
  artistName: string,
  title: string,
  rawTags: RawTags<AlbumSource>,
  settings: EnrichmentSettings,
  overrides: EntryOverrides | undefined,
): MergedTags<AlbumSource> {
  const lists = ALBUM_PRIORITY.flatMap((source) => tagLists(rawTags[source], albumListSpec(source, settings)));
  return mergeTags(lists, {
    rules: settings.rules,
    maxGenres: settings.maxGenres,
    ownNames: [artistName, title],
    facetLimits: settings.facetLimits,
    overrides,
  });
}

/** `overrides` is required so that no re-merge forgets the user's pins and blocks: pass undefined for none. */
export function remergeArtist(
  name: string,
  rawTags: RawTags<ArtistSource>,
  settings: EnrichmentSettings,
  fetchedAt: Date,
  overrides: EntryOverrides | undefined,
): EnrichedEntry<ArtistSource> {
  return buildEntry(mergeArtist(name, rawTags, settings, overrides), rawTags, GENRE_SOURCE_ORDER, fetchedAt);
}

export function remergeAlbum(
  artistName: string,
  title: string,
  rawTags: RawTags<AlbumSource>,
  settings: EnrichmentSettings,
  fetchedAt: Date,
  overrides: EntryOverrides | undefined,
): EnrichedEntry<AlbumSource> {
  const merged = mergeAlbum(artistName, title, rawTags, settings, overrides);
  return buildEntry(merged, rawTags, ALBUM_GENRE_SOURCE_ORDER, fetchedAt);
}

/** Why the artist has its genres and moods: the merge of its stored raw tags, as it records itself. */
export function explainArtist(
  name: string,
  rawTags: RawTags<ArtistSource>,
  settings: EnrichmentSettings,
  overrides: EntryOverrides | undefined,
): TagExplanation<ArtistSource>[] {
  return mergeArtist(name, rawTags, settings, overrides).explanation;
}

export function explainAlbum(
  artistName: string,
  title: string,
  rawTags: RawTags<AlbumSource>,
  settings: EnrichmentSettings,
  overrides: EntryOverrides | undefined,
): TagExplanation<AlbumSource>[] {
  return mergeAlbum(artistName, title, rawTags, settings, overrides).explanation;
}
