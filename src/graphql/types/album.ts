import { albumKeyOf } from '../../cache/policy/entry-keys.ts';
import { ALBUM_LISTING_ORDER, albumListingWhere, countAlbums } from '../../cache/storage/album-cache.ts';
import { ALBUM_TRACK_ORDER } from '../../cache/storage/track-cache.ts';
import { builder } from '../builder.ts';
import { afterKey, DEFAULT_PAGE_SIZE, forwardPage, isString, MAX_PAGE_SIZE, pageSize } from '../pagination.ts';
import { noteAlbumRead } from '../read-usage.ts';
import { AlbumFilterInput, albumFilterOf } from './entry-filters.ts';
import { AlbumRef, ArtistRef, TrackRef } from './entry-refs.ts';

builder.prismaObjectFields(AlbumRef, (t) => ({
  title: t.exposeString('title', { description: 'The title as Plex (or the first lookup) spelled it.' }),
  artistName: t.exposeString('artistName', { description: 'The album artist’s name as Plex spelled it.' }),
  // An optional relation: an album whose artist has no entry answers null (schema.prisma says why).
  artist: t.relation('artist', {
    type: ArtistRef,
    nullable: true,
    description: 'The artist’s entry, when the cache has one.',
  }),
  tracks: t.relation('tracks', {
    type: TrackRef,
    description: 'The album’s cached tracks, in disc and track order.',
    query: { orderBy: ALBUM_TRACK_ORDER },
  }),
}));

const isAlbumKey = (key: unknown): key is { artistKey: string; titleKey: string } =>
  typeof key === 'object' &&
  key !== null &&
  'artistKey' in key &&
  isString(key.artistKey) &&
  'titleKey' in key &&
  isString(key.titleKey);

builder.queryFields((t) => ({
  album: t.field({
    type: AlbumRef,
    nullable: true,
    description:
      'The album of this artist and title, compared normalised; null when the cache has none. Expired entries are served, flagged isExpired.',
    args: {
      artist: t.arg.string({ required: true, description: 'The album artist’s name, in any spelling of it.' }),
      title: t.arg.string({ required: true, description: 'The album’s title, in any spelling of it.' }),
    },
    resolve: async (_root, args, context) => {
      const key = albumKeyOf(args.artist, args.title);
      const row = key === null ? null : await context.pointReads.album(key);
      noteAlbumRead(context, row);
      return row;
    },
  }),
  albums: t.prismaConnection(
    {
      type: 'AlbumCache',
      cursor: 'artistKey_titleKey',
      defaultSize: DEFAULT_PAGE_SIZE,
      maxSize: MAX_PAGE_SIZE,
      description: `Cached albums, filtered, a page at a time (first: at most ${MAX_PAGE_SIZE}, default ${DEFAULT_PAGE_SIZE}).`,
      args: {
        filter: t.arg({ type: AlbumFilterInput, description: 'Which albums; every given field must hold.' }),
      },
      resolve: (query, _root, args, context) => {
        pageSize(args.first);
        pageSize(args.last);
        const after =
          args.after === null || args.after === undefined
            ? null
            : afterKey('albums', query.cursor?.artistKey_titleKey, isAlbumKey);
        const scope = { now: context.now, tiers: context.config.refresh };
        return context.db.prisma.albumCache.findMany({
          ...forwardPage(query, after),
          where: albumListingWhere(albumFilterOf(args.filter), after, scope),
          orderBy: ALBUM_LISTING_ORDER,
        });
      },
    },
    {
      name: 'AlbumConnection',
      description: 'A page of albums, by artist, then title (normalised).',
      fields: (connection) => ({
        totalCount: connection.int({
          description: 'Items matching the filter, on every page together.',
          // Marked as Pothos marks its own: a selection of only totalCount reads no page of rows.
          extensions: { pothosPrismaTotalCount: true },
          resolve: (page, _args, context) =>
            countAlbums(context.db.pool, albumFilterOf(page.args.filter), {
              now: context.now,
              tiers: context.config.refresh,
            }),
        }),
        nodes: connection.field({
          type: [AlbumRef],
          description: 'The items of this page, without cursors.',
          resolve: (page) => page.edges.flatMap((edge) => (edge ? [edge.node] : [])),
        }),
      }),
    },
    { name: 'AlbumEdge', description: 'One item of a Album page, with its cursor.' },
  ),
}));
