// "Entries changed": the entry tables' triggers NOTIFY entry_changes once per writing transaction, from
// whichever process wrote; each API process LISTENs on its one shared connection and wakes its change
// feed followers. The notification carries nothing: followers read the feed itself from their cursor.
import type { NotificationListener } from '../db/notification-listener.ts';

const ENTRY_CHANGES_CHANNEL = 'entry_changes';

export interface EntryChangeSignal {
  /** Calls `wake` on every notification until the returned function is called. */
  onChange(wake: () => void): () => void;
  stop(): void;
}

/** Resolves once LISTEN is in place, so no change committed after it goes unnoticed. */
export async function startEntryChangeSignal(listener: NotificationListener): Promise<EntryChangeSignal> {
  const followers = new Set<() => void>();
  const unsubscribe = await listener.subscribe(ENTRY_CHANGES_CHANNEL, () => {
    for (const wake of followers) wake();
  });
  return {
    onChange: (wake) => {
      followers.add(wake);
      return () => followers.delete(wake);
    },
    stop: () => {
      followers.clear();
      unsubscribe();
    },
  };
}
