// Read-through for apps: lookupArtists / lookupAlbums answer every name at once from the cache and
// fetch the missing or expired ones now (src/cache/use-cases/lookups/). Mutations, because they may fetch and write.
// The answer is one entry per name, in the order asked: an artist nobody knows comes back as an entry
// with status EMPTY, one a provider failed for with status PARTIAL and lastError; null only for a name
// with no letters or digits, or when fetching failed and the cache had nothing at all.
import type { AlbumEntry } from '../../cache/storage/album-cache.ts';
import { lookupAlbums } from '../../cache/use-cases/lookups/lookup-albums.ts';
import { lookupArtists } from '../../cache/use-cases/lookups/lookup-artists.ts';
import {
  type CacheReadKind,
  type LookupResult,
  MAX_LOOKUP_NAMES,
} from '../../cache/use-cases/lookups/lookup-outcome.ts';
import { builder } from '../builder.ts';
import type { GraphQLContext } from '../context.ts';
import { InvalidInputError } from '../errors.ts';
import { assertCanLookup } from '../guards.ts';
import { AlbumRef, ArtistRef } from './entry-refs.ts';
import { rememberWaits } from './lookup-waits.ts';

const AlbumRefInput = builder.inputType('AlbumRefInput', {
  description: 'An album to look up, by its artist and title as any app spells them.',
  fields: (t) => ({
    artist: t.string({ required: true, description: 'The album artist’s name.' }),
    title: t.string({ required: true, description: 'The album’s title.' }),
  }),
});

function checkCount(count: number, field: string): void {
  if (count > MAX_LOOKUP_NAMES) {
    throw new InvalidInputError(`${field}: at most ${MAX_LOOKUP_NAMES} per lookup (got ${count})`, [
      { field, message: `at most ${MAX_LOOKUP_NAMES} (got ${count})` },
    ]);
  }
}

// The hit-rate counts and the usage of a whole answer go in one call each, not one per name.
function noteLookups<Row extends object>(
  context: GraphQLContext,
  results: Array<LookupResult<Row>>,
  recordEntries: (rows: Row[]) => void,
): void {
  const reads: Record<CacheReadKind, number> = { hit: 0, stale: 0, miss: 0 };
  const entries: Row[] = [];
  for (const result of results) {
    if (result.read !== null) reads[result.read] += 1;
    if (result.entry !== null) {
      entries.push(result.entry);
      rememberWaits(result.entry, result.waits);
    }
  }
  for (const read of ['hit', 'stale', 'miss'] as const)
    if (reads[read] > 0) context.usage?.recordRead(read, reads[read]);
  recordEntries(entries);
}

builder.mutationFields((t) => ({
  lookupArtists: t.field({
    type: [ArtistRef],
    nullable: { list: false, items: true },
    description: `Answers up to ${MAX_LOOKUP_NAMES} artists at once: from the cache, and fetched now (merge rules, limiters and single-flight shared with the jobs) when missing or expired.`,
    args: {
      names: t.arg.stringList({
        required: true,
        description: 'Artist names, in any spelling; answered in this order.',
      }),
    },
    resolve: async (_root, args, context) => {
      assertCanLookup(context);
      checkCount(args.names.length, 'names');
      const { pool } = context.db;
      const results = await lookupArtists(
        {
          db: pool,
          refresher: context.deps.refresher,
          clock: context.deps.clock,
          concurrency: context.config.concurrency.artistWarm,
        },
        args.names,
      );
      noteLookups(context, results, (rows) => context.usage?.recordArtists(rows.map((row) => row.nameKey)));
      return results.map((result) => result.entry);
    },
  }),
  lookupAlbums: t.field({
    type: [AlbumRef],
    nullable: { list: false, items: true },
    description: `Answers up to ${MAX_LOOKUP_NAMES} albums at once, as lookupArtists does.`,
    args: { albums: t.arg({ type: [AlbumRefInput], required: true, description: 'Albums; answered in this order.' }) },
    resolve: async (_root, args, context) => {
      assertCanLookup(context);
      checkCount(args.albums.length, 'albums');
      const results = await lookupAlbums(
        {
          db: context.db.pool,
          refresher: context.deps.refresher,
          clock: context.deps.clock,
          concurrency: context.config.concurrency.albumWarm,
        },
        args.albums,
      );
      noteLookups<AlbumEntry>(context, results, (rows) => context.usage?.recordAlbums(rows));
      return results.map((result) => result.entry);
    },
  }),
}));
