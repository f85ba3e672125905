// The providers an artist or album entry can come from, and the two spellings of an entry's sources:
// the stored array (`source text[]`, empty when nobody knew) and the contract text the API answers
// (`plex,lastfm`, or `none`). Every caller converts through here.
import { ALBUM_GENRE_SOURCE_ORDER, GENRE_SOURCE_ORDER } from '../../types.ts';

/** A provider that contributed to an entry; albums add `artist` when the artist's genres were the fallback. */
export type EntrySource = (typeof GENRE_SOURCE_ORDER)[number] | (typeof ALBUM_GENRE_SOURCE_ORDER)[number];

/** Every source, in contract order (plex, lastfm, musicbrainz, spotify, then artist). */
const ENTRY_SOURCES: readonly EntrySource[] = [...new Set([...GENRE_SOURCE_ORDER, ...ALBUM_GENRE_SOURCE_ORDER])];

/** The contract text when no provider knew the entry. */
export const NO_SOURCE = 'none';

const KNOWN: ReadonlySet<string> = new Set(ENTRY_SOURCES);

function isEntrySource(name: string): name is EntrySource {
  return KNOWN.has(name);
}

/** The stored array of a contract text: `plex,lastfm` → [plex, lastfm]; `none` → []. */
export function sourceList(text: string): string[] {
  return text === NO_SOURCE || text === '' ? [] : text.split(',');
}

/** The contract text of a stored array: [plex, lastfm] → `plex,lastfm`; [] → `none`. */
export function sourceText(sources: readonly string[]): string {
  return sources.length === 0 ? NO_SOURCE : sources.join(',');
}

/** The known sources of a contract text, in its order (what the API's `sources` lists). */
export function entrySourcesOf(text: string): EntrySource[] {
  return sourceList(text).filter(isEntrySource);
}
