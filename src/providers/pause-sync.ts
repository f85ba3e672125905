// Keeps this process's provider pauses in step with the installation's: applies the stored ones at
// start, stores the ones this process's requests cause, and follows the other processes' changes.
// A stored pause of other credentials than the configured ones is over: changing the key (and
// restarting) is how a user ends a pause for an invalid key.
import type { NotificationListener } from '../db/notification-listener.ts';
import type pg from 'pg';
import type { Logger } from '../logger.ts';
import type { ProviderName } from '../types.ts';
import type { Providers } from './create-providers.ts';
import { PAUSE_CHANNEL, deletePause, readPauses, savePause } from './pause-store.ts';

const PAUSABLE: readonly ProviderName[] = ['lastfm', 'spotify'];

function isPausable(name: string): name is ProviderName {
  return (PAUSABLE as readonly string[]).includes(name);
}

export async function followProviderPauses(options: {
  db: pg.Pool;
  listener: NotificationListener;
  providers: Providers;
  logger: Logger;
}): Promise<() => void> {
  const { db, listener, providers, logger } = options;

  const load = async (only?: ProviderName): Promise<void> => {
    const stored = new Map((await readPauses(db, only)).map((pause) => [pause.provider, pause]));
    for (const name of only === undefined ? PAUSABLE : [only]) {
      const digest = providers.credentialDigest(name);
      if (digest === undefined) continue;
      const pause = stored.get(name);
      if (pause === undefined) {
        providers.applyPause(name, undefined);
      } else if (pause.credentialDigest === digest) {
        providers.applyPause(name, { reason: pause.reason, since: pause.since, retryAt: pause.retryAt });
      } else if (only === undefined && (await deletePause(db, name))) {
        logger.info(
          { provider: name },
          `${name} was paused for other credentials than the configured ones; pause lifted`,
        );
      }
    }
  };

  const unsubscribeChanges = providers.onPauseChange((name, pause) => {
    const digest = providers.credentialDigest(name);
    if (digest === undefined) return;
    const write = pause === undefined ? deletePause(db, name) : savePause(db, name, pause, digest);
    write.catch((error: unknown) => logger.warn({ err: error, provider: name }, 'could not store the provider pause'));
  });
  const unsubscribeChannel = await listener.subscribe(PAUSE_CHANNEL, (payload) => {
    if (!isPausable(payload)) return;
    load(payload).catch((error: unknown) =>
      logger.warn({ err: error, provider: payload }, 'could not read the provider pause'),
    );
  });
  await load();
  return () => {
    unsubscribeChanges();
    unsubscribeChannel();
  };
}
