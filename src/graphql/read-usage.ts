// Point reads of entries (artist, album, track and the lookups) record usage through the usage tracker
// (last_used_at and use_count, batched) and count toward the API's hit rate: a fresh entry is a hit, an
// expired one a stale hit (still served, flagged isExpired), none a miss. Listings do not count: browsing
// a catalogue is not using its entries, and would otherwise make every entry hot.
import type { AlbumRow } from '../cache/storage/album-cache.ts';
import type { ArtistRow } from '../cache/storage/artist-cache.ts';
import type { TrackRow } from '../cache/storage/track-cache.ts';
import type { ReadOutcome } from '../cache/use-cases/usage/read-counter.ts';
import type { GraphQLContext } from './context.ts';

function outcome(expiresAt: Date | undefined, now: Date): ReadOutcome {
  if (expiresAt === undefined) return 'miss';
  return expiresAt <= now ? 'stale' : 'hit';
}

export function noteArtistRead(context: GraphQLContext, row: ArtistRow | undefined): void {
  context.usage?.recordRead(outcome(row?.expiresAt, context.now));
  if (row) context.usage?.recordArtist(row.nameKey);
}

export function noteAlbumRead(context: GraphQLContext, row: AlbumRow | undefined): void {
  context.usage?.recordRead(outcome(row?.expiresAt, context.now));
  if (row) context.usage?.recordAlbum(row);
}

/** A track is stale when either of its tiers has expired. */
export function noteTrackRead(context: GraphQLContext, row: TrackRow | undefined): void {
  // biome-ignore lint/complexity/useMathMinMax: these are Dates, and Math.min would answer a number
  const expiresAt = row && (row.staticExpiresAt < row.statsExpiresAt ? row.staticExpiresAt : row.statsExpiresAt);
  context.usage?.recordRead(outcome(expiresAt, context.now));
  if (row) context.usage?.recordTrack(row.ratingKey);
}
