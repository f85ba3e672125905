// The user's corrections to one entry (pin its genres, block a tag, refresh it now) as admin mutations.
// Each answers the entry as now stored; the logic is in src/cache/use-cases/corrections/.
import {
  blockTag,
  type CorrectedEntry,
  pinGenres,
  unblockTag,
  unpinGenres,
} from '../../cache/use-cases/corrections/entry-corrections.ts';
import { CorrectionError, type EntryNames, targetId } from '../../cache/use-cases/corrections/entry-target.ts';
import { refreshEntry } from '../../cache/use-cases/corrections/refresh-entry.ts';
import { builder } from '../builder.ts';
import type { GraphQLContext } from '../context.ts';
import { InvalidInputError, NotFoundError } from '../errors.ts';
import { assertCanMutate } from '../guards.ts';
import { CacheEntry, type CacheEntryShape } from './cache-entry.ts';

/** Runs one correction and turns its refusal into the typed GraphQL error. */
async function corrected(names: EntryNames, work: () => Promise<CorrectedEntry>): Promise<CacheEntryShape> {
  try {
    return (await work()).entry;
  } catch (error) {
    if (!(error instanceof CorrectionError)) throw error;
    if (error.reason === 'not-found') throw new NotFoundError(targetId(names), error.message);
    throw new InvalidInputError(error.message, [{ field: error.field, message: error.message }]);
  }
}

function correctionDeps(context: GraphQLContext) {
  return { pool: context.db.pool, settings: context.genreSettings };
}

const ENTRY_ARGS_NOTE = 'With album: that album of the artist; without: the artist.';

builder.mutationFields((t) => {
  const entryArgs = {
    artist: t.arg.string({ required: true, description: 'The artist’s name, in any spelling of it.' }),
    album: t.arg.string({ description: 'An album title of the artist; omit it to correct the artist itself.' }),
  };
  const namesOf = (args: { artist: string; album?: string | null }): EntryNames => ({
    artist: args.artist,
    album: args.album ?? null,
  });
  return {
    pinGenres: t.field({
      type: CacheEntry,
      description: `Pins a cached entry’s genres to exactly this list, in this order (an empty list: no genres); refreshes and re-merges keep it until unpinGenres. Re-merged at once from the stored raw tags, with no provider request. ${ENTRY_ARGS_NOTE}`,
      args: {
        ...entryArgs,
        genres: t.arg.stringList({ required: true, description: 'The genres, as they should read (at most 50).' }),
      },
      resolve: (_root, args, context) => {
        assertCanMutate(context);
        const names = namesOf(args);
        return corrected(names, () => pinGenres(correctionDeps(context), names, args.genres));
      },
    }),
    unpinGenres: t.field({
      type: CacheEntry,
      description: `Lifts a pin: the providers decide the entry’s genres again (re-merged at once from the stored raw tags). ${ENTRY_ARGS_NOTE}`,
      args: entryArgs,
      resolve: (_root, args, context) => {
        assertCanMutate(context);
        const names = namesOf(args);
        return corrected(names, () => unpinGenres(correctionDeps(context), names));
      },
    }),
    blockTag: t.field({
      type: CacheEntry,
      description: `Drops a tag from this entry only, in every spelling that shares its key (and its aliases); refreshes and re-merges keep it out until unblockTag. ${ENTRY_ARGS_NOTE}`,
      args: { ...entryArgs, tag: t.arg.string({ required: true, description: 'The tag, in any spelling.' }) },
      resolve: (_root, args, context) => {
        assertCanMutate(context);
        const names = namesOf(args);
        return corrected(names, () => blockTag(correctionDeps(context), names, args.tag));
      },
    }),
    unblockTag: t.field({
      type: CacheEntry,
      description: `Lets a tag blockTag blocked count for the entry again; INVALID_INPUT when it is not blocked. ${ENTRY_ARGS_NOTE}`,
      args: { ...entryArgs, tag: t.arg.string({ required: true, description: 'The blocked tag, in any spelling.' }) },
      resolve: (_root, args, context) => {
        assertCanMutate(context);
        const names = namesOf(args);
        return corrected(names, () => unblockTag(correctionDeps(context), names, args.tag));
      },
    }),
    refreshEntry: t.field({
      type: CacheEntry,
      description: `Fetches a cached entry again from the providers now, whatever its expiry, and answers it; the user’s pins and blocks apply. For names the cache lacks, use lookupArtists or lookupAlbums. ${ENTRY_ARGS_NOTE}`,
      args: entryArgs,
      resolve: (_root, args, context) => {
        assertCanMutate(context);
        const names = namesOf(args);
        return corrected(names, () =>
          refreshEntry({ pool: context.db.pool, refresher: context.deps.refresher }, names),
        );
      },
    }),
  };
});
