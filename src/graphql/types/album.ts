import type { AlbumKey, AlbumRow } from '../../cache/storage/album-cache.ts';
import { countAlbums } from '../../cache/storage/album-cache.ts';
import { listAlbums } from '../../cache/storage/album-cache.ts';
import { albumKeyOf } from '../../cache/use-cases/entry-refresher.ts';
import { builder } from '../builder.ts';
import { decodeCursor, encodeCursor, isString, isTuple, pageOf, pageSize } from '../pagination.ts';
import { noteAlbumRead } from '../read-usage.ts';
import { CacheEntry } from './cache-entry.ts';
import { connectionType } from './connection.ts';
import { AlbumFilterInput, albumFilterOf } from './entry-filters.ts';
import { AlbumRef, ArtistRef, TrackRef } from './entry-refs.ts';

AlbumRef.implement({
  description: 'A cached album, keyed by its artist and title (both normalised).',
  interfaces: [CacheEntry],
  fields: (t) => ({
    title: t.exposeString('title'),
    artistName: t.exposeString('artistName'),
    artist: t.field({
      type: ArtistRef,
      nullable: true,
      description: 'The artist’s entry, when the cache has one.',
      resolve: async (album, _args, context) => (await context.loaders.artistByKey.load(album.artistKey)) ?? null,
    }),
    tracks: t.field({
      type: [TrackRef],
      description: 'The album’s cached tracks, in disc and track order.',
      resolve: (album, _args, context) => context.loaders.tracksByAlbumKey.load(album),
    }),
  }),
});

const AlbumConnection = connectionType<AlbumRow>(
  'Album',
  AlbumRef,
  'A page of albums, by artist, then title (normalised).',
);
const isAlbumPosition = isTuple<[string, string]>(isString, isString);

builder.queryFields((t) => ({
  album: t.field({
    type: AlbumRef,
    nullable: true,
    description:
      'The album of this artist and title, compared normalised; null when the cache has none. Expired entries are served, flagged isExpired.',
    args: { artist: t.arg.string({ required: true }), title: t.arg.string({ required: true }) },
    resolve: async (_root, args, context) => {
      const key = albumKeyOf(args.artist, args.title);
      const row = key === null ? undefined : await context.loaders.albumByKey.load(key);
      noteAlbumRead(context, row);
      return row ?? null;
    },
  }),
  albums: t.field({
    type: AlbumConnection,
    description: 'Cached albums, filtered, a page at a time (first: at most 500).',
    args: {
      first: t.arg.int({ description: 'Page size, 1–500 (default 50).' }),
      after: t.arg.string({ description: 'The endCursor of the previous page.' }),
      filter: t.arg({ type: AlbumFilterInput }),
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
