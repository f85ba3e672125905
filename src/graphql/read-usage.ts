// Point reads of entries (artist, album, track and the lookups) record usage through the usage tracker
// (last_used_at and use_count, batched) and count toward the API's hit rate: a fresh entry is a hit, an
// expired one a stale hit (still served, flagged isExpired), none a miss. Listings do not count: browsing
// a catalogue is not using its entries, and would otherwise make every entry hot.
import { readOutcome, trackExpiresAt } from '../cache/policy/freshness.ts';
import type { AlbumEntry } from '../cache/storage/album-cache.ts';
import type { ArtistEntry } from '../cache/storage/artist-cache.ts';
import type { TrackEntry } from '../cache/storage/track-cache.ts';
import type { GraphQLContext } from './context.ts';

export function noteArtistRead(context: GraphQLContext, row: Pick<ArtistEntry, 'nameKey' | 'expiresAt'> | null): void {
  context.usage?.recordRead(readOutcome(row?.expiresAt, context.now));
  if (row) context.usage?.recordArtist(row.nameKey);
}

export function noteAlbumRead(
  context: GraphQLContext,
  row: Pick<AlbumEntry, 'artistKey' | 'titleKey' | 'expiresAt'> | null,
): void {
  context.usage?.recordRead(readOutcome(row?.expiresAt, context.now));
  if (row) context.usage?.recordAlbum(row);
}

export function noteTrackRead(
  context: GraphQLContext,
  row: Pick<TrackEntry, 'ratingKey' | 'staticExpiresAt' | 'statsExpiresAt'> | null,
): void {
  context.usage?.recordRead(readOutcome(row && trackExpiresAt(row), context.now));
  if (row) context.usage?.recordTrack(row.ratingKey);
}
