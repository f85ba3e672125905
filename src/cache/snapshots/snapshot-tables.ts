// The tables a snapshot carries and, for each, the columns it writes and how an imported row meets an
// existing one. Column names are the tables' own (they are contract), so a record reads like its row.
// Left out on purpose: ids (local sequence numbers), generated columns (genre_keys), job history and
// every table holding credentials or process state.

export type SnapshotEntity = 'artist' | 'album' | 'track' | 'audioFeatures';

/** Export and import order: audio features need their track first. */
export const SNAPSHOT_ENTITIES: readonly SnapshotEntity[] = ['artist', 'album', 'track', 'audioFeatures'];

/** A group of columns fetched together, replaced together when the import's copy was fetched later. */
interface ColumnTier {
  fetchedAt: string;
  columns: readonly string[];
}

export interface SnapshotTable {
  table: string;
  /** The unique key an imported row is matched on. */
  conflictKey: readonly string[];
  /** The column the export pages through, in order (unique). */
  pageKey: string;
  tiers: readonly ColumnTier[];
  /**
   * Columns outside the tiers (usage, bookkeeping): merged, not replaced, so that importing an older copy
   * never forgets that an entry was read or seen.
   */
  merged: Readonly<Record<string, 'greatest' | 'least'>>;
  /** Another row this one needs (audio features belong to a track); rows without it are skipped. */
  requires?: { table: string; column: string; references: string };
}

const ENTRY_TIER_COLUMNS = [
  'plex_rating_key',
  'musicbrainz_id',
  'genres',
  'styles',
  'moods',
  'facets',
  'source',
  'status',
  'raw_tags',
  'fetched_at',
  'expires_at',
  'last_error',
] as const;

const ENTRY_MERGED = {
  last_used_at: 'greatest',
  use_count: 'greatest',
  created_at: 'least',
  updated_at: 'greatest',
} as const;

export const SNAPSHOT_TABLES: Readonly<Record<SnapshotEntity, SnapshotTable>> = {
  artist: {
    table: 'artist_cache',
    conflictKey: ['name_key'],
    pageKey: 'name_key',
    tiers: [{ fetchedAt: 'fetched_at', columns: ['name', ...ENTRY_TIER_COLUMNS] }],
    merged: ENTRY_MERGED,
  },
  album: {
    table: 'album_cache',
    conflictKey: ['artist_key', 'title_key'],
    pageKey: 'id',
    tiers: [{ fetchedAt: 'fetched_at', columns: ['artist_name', 'title', ...ENTRY_TIER_COLUMNS] }],
    merged: ENTRY_MERGED,
  },
  track: {
    table: 'track_cache',
    conflictKey: ['rating_key'],
    pageKey: 'rating_key',
    // A track's static metadata and its play statistics are fetched on different schedules, so each
    // tier is kept from whichever copy fetched it last.
    tiers: [
      {
        fetchedAt: 'static_fetched_at',
        columns: [
          'title',
          'artist_name',
          'album_title',
          'artist_key',
          'album_key',
          'track_number',
          'disc_number',
          'duration_ms',
          'year',
          'musicbrainz_id',
          'genres',
          'moods',
          'static_fetched_at',
          'static_expires_at',
        ],
      },
      {
        fetchedAt: 'stats_fetched_at',
        columns: ['user_rating', 'view_count', 'skip_count', 'last_viewed_at', 'stats_fetched_at', 'stats_expires_at'],
      },
    ],
    merged: { ...ENTRY_MERGED, plex_seen_at: 'greatest' },
  },
  audioFeatures: {
    table: 'audio_features',
    conflictKey: ['track_rating_key'],
    pageKey: 'track_rating_key',
    tiers: [
      {
        fetchedAt: 'fetched_at',
        columns: [
          'audiomuse_item_id',
          'tempo',
          'key',
          'scale',
          'energy',
          'mood_vector',
          'other_features',
          'duration_seconds',
          'analysis_hash',
          'analysis_fingerprint',
          'fetched_at',
        ],
      },
    ],
    merged: { updated_at: 'greatest' },
    requires: { table: 'track_cache', column: 'track_rating_key', references: 'rating_key' },
  },
};

/** Every column a record of this table carries, in a stable order. */
export function snapshotColumns(table: SnapshotTable): string[] {
  const key = [...table.conflictKey];
  const tierColumns = table.tiers.flatMap((tier) => tier.columns).filter((column) => !key.includes(column));
  return [...key, ...tierColumns, ...Object.keys(table.merged)];
}
