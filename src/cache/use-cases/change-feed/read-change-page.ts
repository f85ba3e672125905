// One page of the change feed with the entries themselves: what `changes` answers and what a follower
// streams. An entry is loaded at its current state, which may be newer than the change that listed it
// (then the newer change follows later in the feed, and the consumer simply sees the same state twice).
import type { Database } from '../../../db/database.ts';
import type { AlbumCache, ArtistCache, AudioFeatures, TrackCache } from '../../../generated/prisma/client.ts';
import { type ChangePosition, type ChangeRecord, readChangeRecords } from '../../storage/entry-changes.ts';

/** A change with the entry it is about, at its current state; no entry on a removal. */
export interface EntryChangeView extends ChangeRecord {
  artist?: ArtistCache;
  album?: AlbumCache;
  track?: TrackCache;
  /** Null: the track was asked about but AudioMuse has no analysis of it (no features to a reader). */
  audioFeatures?: AudioFeatures | null;
}

export interface ChangePage {
  changes: EntryChangeView[];
  /** The position after this page: where the next page starts (the given one when the page is empty). */
  end: ChangePosition;
  hasMore: boolean;
  /** Committed changes past `end` wait for an older transaction to finish; ask again shortly. */
  heldBack: boolean;
}

function idsOf(records: readonly ChangeRecord[], kind: ChangeRecord['kind']): string[] {
  return records.filter((record) => record.kind === kind && !record.removed).map((record) => record.entryId);
}

export async function readChangePage(db: Database, after: ChangePosition, limit: number): Promise<ChangePage> {
  const batch = await readChangeRecords(db.pool, after, limit);
  const { records } = batch;
  const { prisma } = db;
  const [artists, albums, tracks, features] = await Promise.all([
    prisma.artistCache.findMany({ where: { id: { in: idsOf(records, 'artist').map(Number) } } }),
    prisma.albumCache.findMany({ where: { id: { in: idsOf(records, 'album').map(Number) } } }),
    prisma.trackCache.findMany({ where: { ratingKey: { in: idsOf(records, 'track') } } }),
    prisma.audioFeatures.findMany({ where: { trackRatingKey: { in: idsOf(records, 'audio_features') } } }),
  ]);
  const artistById = new Map(artists.map((row) => [String(row.id), row]));
  const albumById = new Map(albums.map((row) => [String(row.id), row]));
  const trackById = new Map(tracks.map((row) => [row.ratingKey, row]));
  const featuresById = new Map(features.map((row) => [row.trackRatingKey, row]));
  const changes: EntryChangeView[] = [];
  for (const record of records) {
    const view = viewOf(record, { artistById, albumById, trackById, featuresById });
    // Missing: removed since the feed listed it; its removal is later in the feed.
    if (view !== undefined) changes.push(view);
  }
  const last = records.at(-1);
  return { changes, end: last?.position ?? after, hasMore: batch.hasMore, heldBack: batch.heldBack };
}

function viewOf(
  record: ChangeRecord,
  loaded: {
    artistById: Map<string, ArtistCache>;
    albumById: Map<string, AlbumCache>;
    trackById: Map<string, TrackCache>;
    featuresById: Map<string, AudioFeatures>;
  },
): EntryChangeView | undefined {
  if (record.removed) return record;
  switch (record.kind) {
    case 'artist': {
      const artist = loaded.artistById.get(record.entryId);
      return artist && { ...record, artist };
    }
    case 'album': {
      const album = loaded.albumById.get(record.entryId);
      return album && { ...record, album };
    }
    case 'track': {
      const track = loaded.trackById.get(record.entryId);
      return track && { ...record, track };
    }
    case 'audio_features': {
      const features = loaded.featuresById.get(record.entryId);
      return features && { ...record, audioFeatures: features.audiomuseItemId === null ? null : features };
    }
  }
}
