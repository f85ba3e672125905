import { countArtists, listArtists } from '../../cache/storage/artist-cache.ts';
import { normaliseNameKey } from '../../enrichment/text-keys.ts';
import { builder } from '../builder.ts';
import { decodeCursor, encodeCursor, isString, pageOf, pageSize } from '../pagination.ts';
import { noteArtistRead } from '../read-usage.ts';
import { connectionType } from './connection.ts';
import { ArtistFilterInput, entryFilterOf } from './entry-filters.ts';
import { AlbumRef, ArtistRef } from './entry-refs.ts';

builder.prismaObjectFields(ArtistRef, (t) => ({
  name: t.exposeString('name', { description: 'The name as Plex (or the first lookup) spelled it.' }),
  nameKey: t.exposeString('nameKey', {
    description: 'The normalised name every lookup compares (`björk` and `Björk` share it).',
  }),
  albums: t.field({
    type: [AlbumRef],
    description: 'The cached albums of this artist, by title.',
    resolve: (artist, _args, context) => context.loaders.albumsByArtistKey.load(artist.nameKey),
  }),
}));

const ArtistConnection = connectionType('Artist', ArtistRef, 'A page of artists, in normalised-name order.');

builder.queryFields((t) => ({
  artist: t.field({
    type: ArtistRef,
    nullable: true,
    description:
      'The artist of this name, compared normalised (`björk` finds `Björk`); null when the cache has none. Expired entries are served, flagged isExpired.',
    args: { name: t.arg.string({ required: true, description: 'The artist’s name, in any spelling of it.' }) },
    resolve: async (_root, args, context) => {
      const key = normaliseNameKey(args.name);
      const row = key === null ? null : await context.pointReads.artist(key);
      noteArtistRead(context, row);
      return row;
    },
  }),
  artists: t.field({
    type: ArtistConnection,
    description: 'Cached artists, filtered, a page at a time (first: at most 500).',
    args: {
      first: t.arg.int({ description: 'Page size, 1–500 (default 50).' }),
      after: t.arg.string({ description: 'The endCursor of the previous page.' }),
      filter: t.arg({ type: ArtistFilterInput, description: 'Which artists; every given field must hold.' }),
    },
    resolve: async (_root, args, context) => {
      const limit = pageSize(args.first);
      const afterKey = decodeCursor('artists', args.after, isString);
      const filter = entryFilterOf(args.filter);
      const scope = { now: context.now, tiers: context.config.refresh };
      const rows = await listArtists(context.db.pool, { filter, afterKey, limit, ...scope });
      return pageOf(
        rows,
        limit,
        afterKey !== null,
        (row) => encodeCursor('artists', row.nameKey),
        () => countArtists(context.db.pool, filter, scope),
      );
    },
  }),
}));
