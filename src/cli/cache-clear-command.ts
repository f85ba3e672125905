import { createInterface } from 'node:readline/promises';
import { CLEARABLE_TABLES, type ClearableTable, clearCache } from '../cache/use-cases/clear-cache.ts';
import { openCommandContext } from './command-context.ts';

async function confirm(question: string): Promise<boolean> {
  const readline = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await readline.question(question)).trim());
  } finally {
    readline.close();
  }
}

export async function cacheClearCommand(options: {
  expired: boolean;
  table?: ClearableTable;
  yes: boolean;
}): Promise<number> {
  const tables = options.table ? [options.table] : [...CLEARABLE_TABLES];
  const what = `${options.expired ? 'expired entries' : 'ALL entries'} of ${tables.join(', ')}`;
  if (!options.yes) {
    if (!process.stdin.isTTY) {
      process.stderr.write(`linernotes: refusing to remove ${what} without confirmation; add --yes\n`);
      return 2;
    }
    if (!(await confirm(`Remove ${what}? [y/N] `))) {
      process.stderr.write('nothing removed\n');
      return 1;
    }
  }
  const context = await openCommandContext({ runtime: false });
  try {
    const counts = await clearCache(context.db.pool, { tables, expiredOnly: options.expired, now: new Date() });
    process.stdout.write(`${tables.map((table) => `${table}: ${counts[table]} removed`).join('\n')}\n`);
    return 0;
  } finally {
    await context.close();
  }
}
