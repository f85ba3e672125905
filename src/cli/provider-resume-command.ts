// `linernotes providers resume <provider>`: ends a pause at once (after the key was fixed, or the
// subscription renewed), for every process: they follow the change through the database.
import { deletePause } from '../providers/pause-store.ts';
import type { ProviderName } from '../types.ts';
import { openCommandContext } from './command-context.ts';

export async function providerResumeCommand(provider: ProviderName): Promise<number> {
  const context = await openCommandContext({ runtime: false });
  try {
    const ended = await deletePause(context.db.pool, provider);
    process.stdout.write(ended ? `${provider} resumed: requests go out again\n` : `${provider} was not paused\n`);
    return 0;
  } finally {
    await context.close();
  }
}
