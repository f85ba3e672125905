// The cache keys of entries: an artist by its normalised name, an album by its artist's and its own
// normalised title. A name with no letters or digits has no key.
import { normaliseNameKey } from '../../enrichment/text-keys.ts';

export interface AlbumKey {
  artistKey: string;
  titleKey: string;
}

/** The cache key of an album, or null when either name has nothing to key it by. */
export function albumKeyOf(artistName: string, title: string): AlbumKey | null {
  const artistKey = normaliseNameKey(artistName);
  const titleKey = normaliseNameKey(title);
  return artistKey === null || titleKey === null ? null : { artistKey, titleKey };
}

/** One string per album key, for maps and sets. */
export function albumKeyString(key: AlbumKey): string {
  return `${key.artistKey}\u0000${key.titleKey}`;
}
