// The entry types, declared apart from their fields so that artists, albums and tracks can point at each
// other (an album's artist, an artist's albums, a track's album). Each is a Prisma-backed Relay node: a
// stable global `id` (the row's key) that Apollo Client and urql normalise by, and `node(id:)` refetches it.
import { builder } from '../builder.ts';
import { CacheEntry } from './cache-entry.ts';

export const ArtistRef = builder.prismaNode('ArtistCache', {
  name: 'Artist',
  description: 'A cached artist.',
  interfaces: [CacheEntry],
  id: { field: 'id', description: 'A stable global id of this entry (Relay), for client caches and node(id:).' },
  nullable: true,
});

export const AlbumRef = builder.prismaNode('AlbumCache', {
  name: 'Album',
  description: 'A cached album, keyed by its artist and title (both normalised).',
  interfaces: [CacheEntry],
  id: { field: 'id', description: 'A stable global id of this entry (Relay), for client caches and node(id:).' },
  nullable: true,
});

export const TrackRef = builder.prismaNode('TrackCache', {
  name: 'Track',
  description:
    'A cached Plex track: a static tier (metadata, 90-day lifetime) and a statistics tier (plays and rating, 24 hours).',
  id: {
    field: 'ratingKey',
    description:
      'A stable global id of this entry (Relay), for client caches and node(id:); ratingKey is the Plex key.',
  },
  nullable: true,
});

export const AudioFeaturesRef = builder.prismaObject('AudioFeatures', {
  name: 'AudioFeatures',
  description: 'A track’s analysis by AudioMuse-AI.',
});
