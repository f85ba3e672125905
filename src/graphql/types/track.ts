import { classifyTier } from '../../cache/policy/tiers.ts';
import { countTracks } from '../../cache/storage/track-cache.ts';
import { getTracksByRatingKeys } from '../../cache/storage/track-cache.ts';
import { listTracks } from '../../cache/storage/track-cache.ts';
import { type TrackPosition, type TrackRow, trackPosition } from '../../cache/storage/track-cache.ts';
import { deriveTrackFields, resolveTrackGenres, type TrackGenreOrigin } from '../../enrichment/track-fields.ts';
import { builder } from '../builder.ts';
import type { GraphQLContext } from '../context.ts';
import { decodeCursor, encodeCursor, isInteger, isString, isTuple, pageOf, pageSize } from '../pagination.ts';
import { noteTrackRead } from '../read-usage.ts';
import { connectionType } from './connection.ts';
import { TrackFilterInput, trackFilterOf } from './entry-filters.ts';
import { AlbumRef, ArtistRef, AudioFeaturesRef, TrackRef } from './entry-refs.ts';
import { UsageTierEnum } from './enums.ts';

const TrackGenreSourceEnum = builder.enumType('TrackGenreSource', {
  description: 'Where a track’s genres come from: its album’s entry first, then its artist’s, then its own Plex tags.',
  values: {
    ALBUM: { value: 'album' },
    ARTIST: { value: 'artist' },
    TRACK: { value: 'track' },
    NONE: { value: 'none' },
  } as const,
});

interface TierShape {
  fetchedAt: Date;
  expiresAt: Date;
}

const CacheTierRef = builder.objectRef<TierShape>('CacheTier').implement({
  description: 'One tier of a track entry, with its own lifetime.',
  fields: (t) => ({
    fetchedAt: t.expose('fetchedAt', { type: 'DateTime' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
    isExpired: t.boolean({ resolve: (tier, _args, context) => tier.expiresAt <= context.now }),
  }),
});

async function trackGenres(
  track: TrackRow,
  context: GraphQLContext,
): Promise<{ genres: string[]; from: TrackGenreOrigin }> {
  const [album, artist] = await Promise.all([
    track.albumKey === null
      ? undefined
      : context.loaders.albumByKey.load({ artistKey: track.artistKey, titleKey: track.albumKey }),
    context.loaders.artistByKey.load(track.artistKey),
  ]);
  return resolveTrackGenres(
    { albumGenres: album?.genres, artistGenres: artist?.genres, trackGenres: track.genres },
    { rules: context.genreSettings.rules, maxGenres: context.genreSettings.maxGenres, ownNames: [track.artistName] },
  );
}

function earlier(a: Date, b: Date): Date {
  return a < b ? a : b;
}

TrackRef.implement({
  description:
    'A cached Plex track: a static tier (metadata, 90-day lifetime) and a statistics tier (plays and rating, 24 hours).',
  fields: (t) => ({
    ratingKey: t.exposeID('ratingKey', { description: 'The Plex ratingKey.' }),
    title: t.exposeString('title'),
    artistName: t.exposeString('artistName'),
    albumTitle: t.exposeString('albumTitle', { nullable: true }),
    trackNumber: t.exposeInt('trackNumber', { nullable: true }),
    discNumber: t.exposeInt('discNumber', { nullable: true }),
    durationMs: t.exposeInt('durationMs', { nullable: true }),
    year: t.exposeInt('year', { nullable: true }),
    musicbrainzId: t.exposeString('musicbrainzId', { nullable: true }),
    genres: t.stringList({
      description: 'The album entry’s genres, else the artist entry’s, else the track’s own Plex tags (normalised).',
      resolve: async (track, _args, context) => (await trackGenres(track, context)).genres,
    }),
    genreSource: t.field({
      type: TrackGenreSourceEnum,
      resolve: async (track, _args, context) => (await trackGenres(track, context)).from,
    }),
    plexGenres: t.exposeStringList('genres', {
      description: 'The track’s own Plex Genre and Style tags (from its detail view), as stored.',
    }),
    moods: t.exposeStringList('moods', {
      description: 'The track’s own Plex Mood tags (from its detail view: Plex’s sonic analysis).',
    }),
    userRating: t.exposeFloat('userRating', {
      nullable: true,
      description: 'Plex’s 0–10 scale (8 is four stars); null when unrated.',
    }),
    viewCount: t.exposeInt('viewCount'),
    skipCount: t.exposeInt('skipCount'),
    lastViewedAt: t.expose('lastViewedAt', { type: 'DateTime', nullable: true }),
    qualityScore: t.float({
      description: '0–1: rating (60%), plays (25%) and recency (15%), less up to half for skips.',
      resolve: (track, _args, context) => deriveTrackFields(track, context.now).qualityScore,
    }),
    isHighRated: t.boolean({
      description: 'Rated 8 or more (four stars).',
      resolve: (track, _args, context) => deriveTrackFields(track, context.now).isHighRated,
    }),
    isUnplayed: t.boolean({ resolve: (track, _args, context) => deriveTrackFields(track, context.now).isUnplayed }),
    isUnrated: t.boolean({ resolve: (track, _args, context) => deriveTrackFields(track, context.now).isUnrated }),
    staticTier: t.field({
      type: CacheTierRef,
      description: 'Title, artist, album, numbers, duration, year, MusicBrainz id, tags.',
      resolve: (track) => ({ fetchedAt: track.staticFetchedAt, expiresAt: track.staticExpiresAt }),
    }),
    statsTier: t.field({
      type: CacheTierRef,
      description: 'Rating, view and skip counts, last played.',
      resolve: (track) => ({ fetchedAt: track.statsFetchedAt, expiresAt: track.statsExpiresAt }),
    }),
    fetchedAt: t.field({
      type: 'DateTime',
      description: 'The older of the two tiers’ fetch times.',
      resolve: (track) => earlier(track.staticFetchedAt, track.statsFetchedAt),
    }),
    expiresAt: t.field({
      type: 'DateTime',
      description: 'The earlier of the two tiers’ expiries.',
      resolve: (track) => earlier(track.staticExpiresAt, track.statsExpiresAt),
    }),
    isExpired: t.boolean({
      description: 'Either tier has expired (the entry is still served).',
      resolve: (track, _args, context) => earlier(track.staticExpiresAt, track.statsExpiresAt) <= context.now,
    }),
    lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime', nullable: true }),
    useCount: t.exposeInt('useCount'),
    tier: t.field({
      type: UsageTierEnum,
      resolve: (track, _args, context) => classifyTier(track.lastUsedAt, context.now, context.config.refresh),
    }),
    album: t.field({
      type: AlbumRef,
      nullable: true,
      description: 'The album’s entry, when the cache has one.',
      resolve: async (track, _args, context) =>
        track.albumKey === null
          ? null
          : ((await context.loaders.albumByKey.load({ artistKey: track.artistKey, titleKey: track.albumKey })) ?? null),
    }),
    artist: t.field({
      type: ArtistRef,
      nullable: true,
      description: 'The artist’s entry, when the cache has one.',
      resolve: async (track, _args, context) => (await context.loaders.artistByKey.load(track.artistKey)) ?? null,
    }),
    audioFeatures: t.field({
      type: AudioFeaturesRef,
      nullable: true,
      description: 'AudioMuse’s analysis, when synced.',
      resolve: async (track, _args, context) =>
        (await context.loaders.audioFeaturesByTrack.load(track.ratingKey)) ?? null,
    }),
  }),
});

const TrackConnection = connectionType<TrackRow>(
  'Track',
  TrackRef,
  'A page of tracks, by artist, album, disc and track number.',
);
const isTrackPosition = isTuple<TrackPosition>(isString, isString, isInteger, isInteger, isString);

builder.queryFields((t) => ({
  track: t.field({
    type: TrackRef,
    nullable: true,
    description: 'The track with this Plex ratingKey; null when the cache has none.',
    args: { ratingKey: t.arg.id({ required: true }) },
    resolve: async (_root, args, context) => {
      const row = (await getTracksByRatingKeys(context.db.pool, [String(args.ratingKey)])).get(String(args.ratingKey));
      noteTrackRead(context, row);
      return row ?? null;
    },
  }),
  tracks: t.field({
    type: TrackConnection,
    description: 'Cached tracks, filtered, a page at a time (first: at most 500).',
    args: {
      first: t.arg.int({ description: 'Page size, 1–500 (default 50).' }),
      after: t.arg.string({ description: 'The endCursor of the previous page.' }),
      filter: t.arg({ type: TrackFilterInput }),
    },
    resolve: async (_root, args, context) => {
      const limit = pageSize(args.first);
      const after = decodeCursor('tracks', args.after, isTrackPosition);
      const filter = trackFilterOf(args.filter);
      const scope = { now: context.now, tiers: context.config.refresh };
      const rows = await listTracks(context.db.pool, { filter, after, limit, ...scope });
      return pageOf(
        rows,
        limit,
        after !== null,
        (row) => encodeCursor('tracks', trackPosition(row)),
        () => countTracks(context.db.pool, filter, scope),
      );
    },
  }),
}));
