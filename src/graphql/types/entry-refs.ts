// References of the entry types, declared apart from their fields so that artists, albums and tracks
// can point at each other (an album's artist, an artist's albums, a track's album).
import type { AlbumRow } from '../../cache/storage/album-cache.ts';
import type { ArtistRow } from '../../cache/storage/artist-cache.ts';
import type { AudioFeaturesRow } from '../../cache/storage/audio-features.ts';
import type { TrackRow } from '../../cache/storage/track-cache.ts';
import { builder } from '../builder.ts';

export const ArtistRef = builder.objectRef<ArtistRow>('Artist');
export const AlbumRef = builder.objectRef<AlbumRow>('Album');
export const TrackRef = builder.objectRef<TrackRow>('Track');
export const AudioFeaturesRef = builder.objectRef<AudioFeaturesRow>('AudioFeatures');
