// A run event for no run (id 0): what a test publishes to learn that a subscription is receiving.
import type { Queryable } from '../../../src/db/queryable.ts';
import { publishRunEvent } from '../../../src/jobs/engine/run-events.ts';

export const PROBE_RUN_ID = '0';

export function publishProbe(db: Queryable): Promise<void> {
  return publishRunEvent(db, {
    runId: 0,
    kind: 'cache-warm',
    status: 'queued',
    current: 0,
    total: 0,
    rate: null,
    etaSeconds: null,
    sourceCounts: {},
    message: 'probe',
    error: null,
    final: false,
    at: new Date().toISOString(),
  });
}
