// Re-derives an entry from its stored raw tags, with no request: for a changed blocklist, alias table or
// MAX_GENRES, and for the refresh path when a provider's stored answer is reused.
import { ALBUM_GENRE_SOURCE_ORDER, GENRE_SOURCE_ORDER } from '../types.ts';
import { ALBUM_PRIORITY, albumListSpec, type AlbumSource } from './enrich-album.ts';
import { artistListSpec, type ArtistSource } from './enrich-artist.ts';
import { buildEntry, tagLists, type EnrichedEntry, type RawTags } from './entry.ts';
import { mergeTags } from './genre-merge.ts';
import type { EnrichmentSettings } from './settings.ts';

export function remergeArtist(
  name: string,
  rawTags: RawTags<ArtistSource>,
  settings: EnrichmentSettings,
  fetchedAt: Date,
): EnrichedEntry<ArtistSource> {
  const lists = GENRE_SOURCE_ORDER.flatMap((source) => tagLists(rawTags[source], artistListSpec(source, settings)));
  const merged = mergeTags(lists, {
    rules: settings.rules,
    maxGenres: settings.maxGenres,
    ownNames: [name],
    facetLimits: settings.facetLimits,
  });
  return buildEntry(merged, rawTags, GENRE_SOURCE_ORDER, fetchedAt);
}

export function remergeAlbum(
  artistName: string,
  title: string,
  rawTags: RawTags<AlbumSource>,
  settings: EnrichmentSettings,
  fetchedAt: Date,
): EnrichedEntry<AlbumSource> {
  const lists = ALBUM_PRIORITY.flatMap((source) => tagLists(rawTags[source], albumListSpec(source, settings)));
  const merged = mergeTags(lists, {
    rules: settings.rules,
    maxGenres: settings.maxGenres,
    ownNames: [artistName, title],
    facetLimits: settings.facetLimits,
  });
  return buildEntry(merged, rawTags, ALBUM_GENRE_SOURCE_ORDER, fetchedAt);
}
