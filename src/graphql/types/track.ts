import { isExpired, trackExpiresAt, trackFetchedAt } from '../../cache/policy/freshness.ts';
import { classifyTier } from '../../cache/policy/tiers.ts';
import {
  countTracks,
  TRACK_LISTING_ORDER,
  type TrackEntry,
  type TrackPosition,
  trackListingWhere,
} from '../../cache/storage/track-cache.ts';
import { deriveTrackFields, resolveTrackGenres, type TrackGenreOrigin } from '../../enrichment/track-fields.ts';
import { builder } from '../builder.ts';
import type { GraphQLContext } from '../context.ts';
import {
  afterKey,
  DEFAULT_PAGE_SIZE,
  forwardPage,
  isInteger,
  isString,
  MAX_PAGE_SIZE,
  pageSize,
} from '../pagination.ts';
import { noteTrackRead } from '../read-usage.ts';
import { TrackFilterInput, trackFilterOf } from './entry-filters.ts';
import { AlbumRef, ArtistRef, AudioFeaturesRef, TrackRef } from './entry-refs.ts';
import { UsageTierEnum } from './enums.ts';

const TrackGenreSourceEnum = builder.enumType('TrackGenreSource', {
  description: 'Where a track’s genres come from: its album’s entry first, then its artist’s, then its own Plex tags.',
  values: {
    ALBUM: { value: 'album', description: 'The album entry’s genres.' },
    ARTIST: { value: 'artist', description: 'The artist entry’s genres (the album had none).' },
    TRACK: { value: 'track', description: 'The track’s own Plex tags (neither entry had genres).' },
    NONE: { value: 'none', description: 'No genres anywhere.' },
  } as const,
});

interface TierShape {
  fetchedAt: Date;
  expiresAt: Date;
}

const CacheTierRef = builder.objectRef<TierShape>('CacheTier').implement({
  description: 'One tier of a track entry, with its own lifetime.',
  fields: (t) => ({
    fetchedAt: t.expose('fetchedAt', { type: 'DateTime', description: 'When this tier was last fetched.' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', description: 'When this tier expires.' }),
    isExpired: t.boolean({
      description: 'Whether this tier has expired.',
      resolve: (tier, _args, context) => isExpired(tier.expiresAt, context.now),
    }),
  }),
});

async function trackGenres(
  track: TrackEntry,
  context: GraphQLContext,
): Promise<{ genres: string[]; from: TrackGenreOrigin }> {
  // Prisma batches these findUnique calls across a whole page of tracks (one query per table).
  const { prisma } = context.db;
  const [album, artist] = await Promise.all([
    track.albumKey === null
      ? null
      : prisma.albumCache.findUnique({
          where: { artistKey_titleKey: { artistKey: track.artistKey, titleKey: track.albumKey } },
        }),
    prisma.artistCache.findUnique({ where: { nameKey: track.artistKey } }),
  ]);
  return resolveTrackGenres(
    { albumGenres: album?.genres, artistGenres: artist?.genres, trackGenres: track.genres },
    { rules: context.genreSettings.rules, maxGenres: context.genreSettings.maxGenres, ownNames: [track.artistName] },
  );
}

builder.prismaObjectFields(TrackRef, (t) => ({
  ratingKey: t.exposeID('ratingKey', { description: 'The Plex ratingKey.' }),
  title: t.exposeString('title', { description: 'The title as Plex has it.' }),
  artistName: t.exposeString('artistName', { description: 'The track artist’s name as Plex has it.' }),
  albumTitle: t.exposeString('albumTitle', { nullable: true, description: 'The album’s title; null without one.' }),
  trackNumber: t.exposeInt('trackNumber', { nullable: true, description: 'Position on its disc.' }),
  discNumber: t.exposeInt('discNumber', { nullable: true, description: 'Disc of the album.' }),
  durationMs: t.exposeInt('durationMs', { nullable: true, description: 'Length in milliseconds.' }),
  year: t.exposeInt('year', { nullable: true, description: 'Release year, as Plex has it.' }),
  musicbrainzId: t.exposeString('musicbrainzId', {
    nullable: true,
    description: 'MusicBrainz recording id, when known.',
  }),
  genres: t.stringList({
    description: 'The album entry’s genres, else the artist entry’s, else the track’s own Plex tags (normalised).',
    resolve: async (track, _args, context) => (await trackGenres(track, context)).genres,
  }),
  genreSource: t.field({
    type: TrackGenreSourceEnum,
    description: 'Which entry `genres` came from.',
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
  viewCount: t.exposeInt('viewCount', { description: 'Plays recorded by Plex.' }),
  skipCount: t.exposeInt('skipCount', { description: 'Skips recorded by Plex.' }),
  lastViewedAt: t.expose('lastViewedAt', {
    type: 'DateTime',
    nullable: true,
    description: 'Last play recorded by Plex.',
  }),
  qualityScore: t.float({
    description: '0–1: rating (60%), plays (25%) and recency (15%), less up to half for skips.',
    resolve: (track, _args, context) => deriveTrackFields(track, context.now).qualityScore,
  }),
  isHighRated: t.boolean({
    description: 'Rated 8 or more (four stars).',
    resolve: (track, _args, context) => deriveTrackFields(track, context.now).isHighRated,
  }),
  isUnplayed: t.boolean({
    description: 'Never played.',
    resolve: (track, _args, context) => deriveTrackFields(track, context.now).isUnplayed,
  }),
  isUnrated: t.boolean({
    description: 'Not rated.',
    resolve: (track, _args, context) => deriveTrackFields(track, context.now).isUnrated,
  }),
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
    resolve: (track) => trackFetchedAt(track),
  }),
  expiresAt: t.field({
    type: 'DateTime',
    description: 'The earlier of the two tiers’ expiries.',
    resolve: (track) => trackExpiresAt(track),
  }),
  isExpired: t.boolean({
    description: 'Either tier has expired (the entry is still served).',
    resolve: (track, _args, context) => isExpired(trackExpiresAt(track), context.now),
  }),
  lastUsedAt: t.expose('lastUsedAt', {
    type: 'DateTime',
    nullable: true,
    description: 'Last API read (written at most hourly).',
  }),
  useCount: t.exposeInt('useCount', { description: 'API reads recorded so far.' }),
  tier: t.field({
    type: UsageTierEnum,
    description: 'The usage tier by lastUsedAt.',
    resolve: (track, _args, context) => classifyTier(track.lastUsedAt, context.now, context.config.refresh),
  }),
  album: t.relation('album', {
    type: AlbumRef,
    nullable: true,
    description: 'The album’s entry, when the cache has one.',
  }),
  artist: t.relation('artist', {
    type: ArtistRef,
    nullable: true,
    description: 'The artist’s entry, when the cache has one.',
  }),
  audioFeatures: t.field({
    type: AudioFeaturesRef,
    nullable: true,
    description: 'AudioMuse’s analysis, when synced.',
    // Loaded with the track (or, for tracks of a listing, in one batched query). A row without an
    // AudioMuse item id records "asked, not analysed", which is no features to a reader: not t.relation,
    // which answers the related row as loaded, and a to-one include in Prisma cannot take a where.
    select: { audioFeatures: true },
    resolve: (track) => (track.audioFeatures?.audiomuseItemId == null ? null : track.audioFeatures),
  }),
}));

const isTrackPosition = (key: unknown): key is TrackPosition =>
  typeof key === 'object' &&
  key !== null &&
  'artistKey' in key &&
  isString(key.artistKey) &&
  'albumSortKey' in key &&
  isString(key.albumSortKey) &&
  'discSort' in key &&
  isInteger(key.discSort) &&
  'trackSort' in key &&
  isInteger(key.trackSort) &&
  'ratingKey' in key &&
  isString(key.ratingKey);

builder.queryFields((t) => ({
  track: t.field({
    type: TrackRef,
    nullable: true,
    description: 'The track with this Plex ratingKey; null when the cache has none.',
    args: { ratingKey: t.arg.id({ required: true, description: 'The track’s Plex ratingKey.' }) },
    resolve: async (_root, args, context) => {
      const ratingKey = String(args.ratingKey);
      const row = await context.pointReads.track(ratingKey);
      noteTrackRead(context, row);
      return row;
    },
  }),
  tracks: t.prismaConnection(
    {
      type: 'TrackCache',
      // The unique index in the listing's order: a cursor is a track's position in it.
      cursor: 'artistKey_albumSortKey_discSort_trackSort_ratingKey',
      defaultSize: DEFAULT_PAGE_SIZE,
      maxSize: MAX_PAGE_SIZE,
      description: `Cached tracks, filtered, a page at a time (first: at most ${MAX_PAGE_SIZE}, default ${DEFAULT_PAGE_SIZE}).`,
      args: {
        filter: t.arg({ type: TrackFilterInput, description: 'Which tracks; every given field must hold.' }),
      },
      resolve: (query, _root, args, context) => {
        pageSize(args.first);
        pageSize(args.last);
        const after =
          args.after === null || args.after === undefined
            ? null
            : afterKey('tracks', query.cursor?.artistKey_albumSortKey_discSort_trackSort_ratingKey, isTrackPosition);
        const scope = { now: context.now, tiers: context.config.refresh };
        return context.db.prisma.trackCache.findMany({
          ...forwardPage(query, after),
          where: trackListingWhere(trackFilterOf(args.filter), after, scope),
          orderBy: TRACK_LISTING_ORDER,
        });
      },
    },
    {
      name: 'TrackConnection',
      description: 'A page of tracks, by artist, album, disc and track number.',
      fields: (connection) => ({
        totalCount: connection.int({
          description: 'Items matching the filter, on every page together.',
          // Marked as Pothos marks its own: a selection of only totalCount reads no page of rows.
          extensions: { pothosPrismaTotalCount: true },
          resolve: (page, _args, context) =>
            countTracks(context.db.pool, trackFilterOf(page.args.filter), {
              now: context.now,
              tiers: context.config.refresh,
            }),
        }),
        nodes: connection.field({
          type: [TrackRef],
          description: 'The items of this page, without cursors.',
          resolve: (page) => page.edges.flatMap((edge) => (edge ? [edge.node] : [])),
        }),
      }),
    },
    { name: 'TrackEdge', description: 'One item of a Track page, with its cursor.' },
  ),
}));
