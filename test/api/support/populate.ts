// A populated cache the way production gets one: the real jobs against the simulators, in the foreground.
import { expect } from 'vitest';
import { runJobNow } from '../../../src/jobs/start-job.ts';
import type { JobKind } from '../../../src/types.ts';
import type { Harness } from '../../support/harness.ts';

const POPULATING_KINDS: readonly JobKind[] = [
  'cache-warm',
  'cache-warm-albums',
  'track-stats-refresh',
  'audio-features-sync',
];

export async function populate(harness: Harness, kinds: readonly JobKind[] = POPULATING_KINDS): Promise<void> {
  for (const kind of kinds) {
    const outcome = await runJobNow(harness.runtime, kind, {});
    expect(outcome.outcome === 'finished' && outcome.run.status, kind).toBe('succeeded');
  }
}

/** Simulator settings that keep a populated library small and quick to warm. */
export const SMALL_LIBRARY = { seed: 7, artists: 6 } as const;
/** The simulators allow Last.fm 5 requests/s; warming at that rate keeps the suite fast. */
export const FAST_ENV: Record<string, string> = {
  LASTFM_RPS: '5',
  CACHE_WARM_CONCURRENCY: '4',
  ALBUM_WARM_CONCURRENCY: '4',
};
