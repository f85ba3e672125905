import { albumKeyOf } from '../../cache/policy/entry-keys.ts';
import { type AlbumKey, countAlbums, listAlbums } from '../../cache/storage/album-cache.ts';
import { builder } from '../builder.ts';
import { decodeCursor, encodeCursor, isString, isTuple, pageOf, pageSize } from '../pagination.ts';
import { noteAlbumRead } from '../read-usage.ts';
import { connectionType } from './connection.ts';
import { AlbumFilterInput, albumFilterOf } from './entry-filters.ts';
import { AlbumRef, ArtistRef, TrackRef } from './entry-refs.ts';

builder.prismaObjectFields(AlbumRef, (t) => ({
  title: t.exposeString('title', { description: 'The title as Plex (or the first lookup) spelled it.' }),
  artistName: t.exposeString('artistName', { description: 'The album artist’s name as Plex spelled it.' }),
  artist: t.prismaField({
    type: ArtistRef,
    nullable: true,
    description: 'The artist’s entry, when the cache has one.',
    // Prisma batches the findUnique calls of one tick (a whole page of albums) into one query.
    resolve: (query, album, _args, context) =>
      context.db.prisma.artistCache.findUnique({ ...query, where: { nameKey: album.artistKey } }),
  }),
  tracks: t.field({
    type: [TrackRef],
    description: 'The album’s cached tracks, in disc and track order.',
    resolve: (album, _args, context) => context.loaders.tracksByAlbumKey.load(album),
  }),
}));

const AlbumConnection = connectionType('Album', AlbumRef, 'A page of albums, by artist, then title (normalised).');
const isAlbumPosition = isTuple<[string, string]>(isString, isString);

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
  albums: t.field({
    type: AlbumConnection,
    description: 'Cached albums, filtered, a page at a time (first: at most 500).',
    args: {
      first: t.arg.int({ description: 'Page size, 1–500 (default 50).' }),
      after: t.arg.string({ description: 'The endCursor of the previous page.' }),
      filter: t.arg({ type: AlbumFilterInput, description: 'Which albums; every given field must hold.' }),
    },
    resolve: async (_root, args, context) => {
      const limit = pageSize(args.first);
      const position = decodeCursor('albums', args.after, isAlbumPosition);
      const after: AlbumKey | null = position === null ? null : { artistKey: position[0], titleKey: position[1] };
      const filter = albumFilterOf(args.filter);
      const scope = { now: context.now, tiers: context.config.refresh };
      const rows = await listAlbums(context.db.pool, { filter, after, limit, ...scope });
      return pageOf(
        rows,
        limit,
        after !== null,
        (row) => encodeCursor('albums', [row.artistKey, row.titleKey]),
        () => countAlbums(context.db.pool, filter, scope),
      );
    },
  }),
}));
