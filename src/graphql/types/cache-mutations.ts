import { CLEARABLE_TABLES, type ClearableTable, clearCache } from '../../cache/use-cases/clear-cache.ts';
import { builder } from '../builder.ts';
import { assertCanMutate } from '../guards.ts';
import { CacheTableEnum } from './enums.ts';

const ClearCacheInput = builder.inputType('ClearCacheInput', {
  description: 'What clearCache removes; `{}` means the expired entries of every table.',
  fields: (t) => ({
    tables: t.field({
      type: [CacheTableEnum],
      defaultValue: [...CLEARABLE_TABLES],
      description: 'Which tables (default all three).',
    }),
    expiredOnly: t.boolean({
      defaultValue: true,
      description: 'true (default): only expired entries (tracks: static tier expired); false: every entry.',
    }),
  }),
});

interface ClearedShape {
  counts: Record<ClearableTable, number>;
  expiredOnly: boolean;
}

const ClearedCache = builder.objectRef<ClearedShape>('ClearedCache').implement({
  description: 'How many entries clearCache removed, per table. Job history is never removed.',
  fields: (t) => ({
    artists: t.int({ description: 'Artist entries removed.', resolve: (cleared) => cleared.counts.artists }),
    albums: t.int({ description: 'Album entries removed.', resolve: (cleared) => cleared.counts.albums }),
    tracks: t.int({
      description: 'Tracks removed (with their audio features).',
      resolve: (cleared) => cleared.counts.tracks,
    }),
    total: t.int({
      description: 'Entries removed from the three tables together.',
      resolve: (cleared) => cleared.counts.artists + cleared.counts.albums + cleared.counts.tracks,
    }),
    expiredOnly: t.exposeBoolean('expiredOnly', {
      description: 'Whether only expired entries were removed (the input’s expiredOnly, default true).',
    }),
  }),
});

builder.mutationField('clearCache', (t) =>
  t.field({
    type: ClearedCache,
    description:
      'Removes expired entries (or all) from the chosen tables in one transaction, and says how many. clearCache(input: {}) removes expired entries of every table.',
    args: {
      input: t.arg({
        type: ClearCacheInput,
        description: 'Which tables, and whether only expired entries (both optional).',
      }),
    },
    resolve: async (_root, args, context) => {
      assertCanMutate(context);
      const tables = args.input?.tables ?? [...CLEARABLE_TABLES];
      const expiredOnly = args.input?.expiredOnly ?? true;
      const counts = await clearCache(context.db.pool, {
        tables: [...new Set(tables)],
        expiredOnly,
        now: context.deps.clock(),
      });
      return { counts, expiredOnly };
    },
  }),
);
