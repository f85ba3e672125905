import type { RawTags } from '../../enrichment/entry.ts';
import type { ArtistSource } from '../../enrichment/enrich-artist.ts';
import type { EntryStatus } from '../../types.ts';

/** An artist_cache row as the jobs and the API read it. */
export interface ArtistRow {
  id: number;
  nameKey: string;
  name: string;
  plexRatingKey: string | null;
  musicbrainzId: string | null;
  genres: string[];
  styles: string[];
  moods: string[];
  source: string;
  status: EntryStatus;
  rawTags: RawTags<ArtistSource>;
  fetchedAt: Date;
  expiresAt: Date;
  lastUsedAt: Date | null;
  useCount: number;
  lastError: string | null;
}

/** An artist entry to write: the enriched entry plus its identity and expiry (usage columns belong to readers). */
export type ArtistWrite = Omit<ArtistRow, 'id' | 'lastUsedAt' | 'useCount'>;

export const ARTIST_COLUMNS = `
  id, name_key AS "nameKey", name, plex_rating_key AS "plexRatingKey", musicbrainz_id AS "musicbrainzId",
  genres, styles, moods, source, status, raw_tags AS "rawTags", fetched_at AS "fetchedAt",
  expires_at AS "expiresAt", last_used_at AS "lastUsedAt", use_count AS "useCount", last_error AS "lastError"`;
