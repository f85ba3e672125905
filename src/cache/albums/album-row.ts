import type { RawTags } from '../../enrichment/entry.ts';
import type { AlbumSource } from '../../enrichment/enrich-album.ts';
import type { EntryStatus } from '../../types.ts';

export interface AlbumKey {
  artistKey: string;
  titleKey: string;
}

/** An album_cache row as the jobs and the API read it. */
export interface AlbumRow extends AlbumKey {
  id: number;
  artistName: string;
  title: string;
  plexRatingKey: string | null;
  musicbrainzId: string | null;
  genres: string[];
  styles: string[];
  moods: string[];
  source: string;
  status: EntryStatus;
  rawTags: RawTags<AlbumSource>;
  fetchedAt: Date;
  expiresAt: Date;
  lastUsedAt: Date | null;
  useCount: number;
  lastError: string | null;
}

export type AlbumWrite = Omit<AlbumRow, 'id' | 'lastUsedAt' | 'useCount'>;

export const ALBUM_COLUMNS = `
  id, artist_key AS "artistKey", title_key AS "titleKey", artist_name AS "artistName", title,
  plex_rating_key AS "plexRatingKey", musicbrainz_id AS "musicbrainzId", genres, styles, moods, source, status,
  raw_tags AS "rawTags", fetched_at AS "fetchedAt", expires_at AS "expiresAt", last_used_at AS "lastUsedAt",
  use_count AS "useCount", last_error AS "lastError"`;

/** One string per album key, for maps and sets. */
export function albumKeyString(key: AlbumKey): string {
  return `${key.artistKey}\u0000${key.titleKey}`;
}
