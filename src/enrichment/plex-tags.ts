// Plex's own tags: Genre and Style are genres (Style also listed as styles), Mood is moods.
import { plainTags, type RecordTags } from './entry.ts';

/** Plex's tags for an item; PlexArtist and PlexAlbum fit as they are. */
export interface PlexTagSet {
  genres: readonly string[];
  styles: readonly string[];
  moods: readonly string[];
}

export function plexRecordTags(tags: PlexTagSet): RecordTags {
  return { genres: plainTags(tags.genres), styles: plainTags(tags.styles), moods: plainTags(tags.moods) };
}
