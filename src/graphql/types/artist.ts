import {
  ARTIST_LISTING_ORDER,
  artistGenrePageIds,
  artistListingWhere,
  countArtists,
} from '../../cache/storage/artist-cache.ts';
import { normaliseNameKey } from '../../enrichment/text-keys.ts';
import { builder } from '../builder.ts';
import {
  afterKey,
  DEFAULT_PAGE_SIZE,
  forwardPage,
  isString,
  MAX_PAGE_SIZE,
  pageInIdOrder,
  pageSize,
} from '../pagination.ts';
import { noteArtistRead } from '../read-usage.ts';
import { ArtistFilterInput, entryFilterOf } from './entry-filters.ts';
import { AlbumRef, ArtistRef } from './entry-refs.ts';

builder.prismaObjectFields(ArtistRef, (t) => ({
  name: t.exposeString('name', { description: 'The name as Plex (or the first lookup) spelled it.' }),
  nameKey: t.exposeString('nameKey', {
    description: 'The normalised name every lookup compares (`björk` and `Björk` share it).',
  }),
  albums: t.relation('albums', {
    type: AlbumRef,
    description: 'The cached albums of this artist, by title.',
    query: { orderBy: { titleKey: 'asc' } },
  }),
}));

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
  artists: t.prismaConnection(
    {
      type: 'ArtistCache',
      cursor: 'nameKey',
      defaultSize: DEFAULT_PAGE_SIZE,
      maxSize: MAX_PAGE_SIZE,
      description: `Cached artists, filtered, a page at a time (first: at most ${MAX_PAGE_SIZE}, default ${DEFAULT_PAGE_SIZE}).`,
      args: {
        filter: t.arg({ type: ArtistFilterInput, description: 'Which artists; every given field must hold.' }),
      },
      resolve: async (query, _root, args, context) => {
        pageSize(args.first);
        pageSize(args.last);
        const after =
          args.after === null || args.after === undefined ? null : afterKey('artists', query.cursor?.nameKey, isString);
        const scope = { now: context.now, tiers: context.config.refresh };
        const filter = entryFilterOf(args.filter);
        const prisma = context.db.prisma;
        // A forward page of one genre comes from the genre index; pages before a cursor keep the listing's query.
        const { take, cursor: _cursor, skip: _skip, ...selection } = query;
        if (take > 0 && (args.before === null || args.before === undefined)) {
          const page = await pageInIdOrder(
            () => artistGenrePageIds(prisma, filter, after, take, scope),
            (ids) => prisma.artistCache.findMany({ ...selection, where: { id: { in: ids } } }),
          );
          if (page !== null) return page;
        }
        return prisma.artistCache.findMany({
          ...forwardPage(query, after),
          where: artistListingWhere(filter, after, scope),
          orderBy: ARTIST_LISTING_ORDER,
        });
      },
    },
    {
      name: 'ArtistConnection',
      description: 'A page of artists, in normalised-name order.',
      fields: (connection) => ({
        totalCount: connection.int({
          description: 'Items matching the filter, on every page together.',
          // Marked as Pothos marks its own: a selection of only totalCount reads no page of rows.
          extensions: { pothosPrismaTotalCount: true },
          resolve: (page, _args, context) =>
            countArtists(context.db.pool, entryFilterOf(page.args.filter), {
              now: context.now,
              tiers: context.config.refresh,
            }),
        }),
        nodes: connection.field({
          type: [ArtistRef],
          description: 'The items of this page, without cursors.',
          resolve: (page) => page.edges.flatMap((edge) => (edge ? [edge.node] : [])),
        }),
      }),
    },
    { name: 'ArtistEdge', description: 'One item of a Artist page, with its cursor.' },
  ),
}));
