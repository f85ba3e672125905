// One entity fetched by a job (warm or refresh): what it counts in the run's progress. Shared by
// every job that fetches entries, so they all count sources, partial entries and failures alike.
import { isDatabaseUnavailable } from '../../db/unavailable.ts';
import { describeFailure } from '../../enrichment/provider-call.ts';
import type { EntryStatus } from '../../types.ts';
import type { JobContext } from '../engine/job-definition.ts';
import { checkpoint } from '../engine/checkpoint.ts';

/**
 * Runs `fetch` for one entity at a check point. The stored entry's sources are counted (`none` when
 * nobody knew it, plus `partial` when a provider failed); a failure is counted with its reason and
 * never ends the run; a cancel or a shutdown is passed on.
 */
export function countEntryFetch(
  context: Pick<JobContext, 'progress' | 'signal' | 'inFlight'>,
  label: string,
  fetch: () => Promise<{ source: string; status: EntryStatus }>,
  /** Called just before the entity is counted (stored or failed), to move the run's resume point with the count. */
  onFinished: () => void = () => undefined,
): Promise<void> {
  // Tracked from its first check point to its count: the run's end waits for it (entities-in-flight.ts).
  return context.inFlight.track(fetchAndCount(context, label, fetch, onFinished));
}

async function fetchAndCount(
  context: Pick<JobContext, 'progress' | 'signal'>,
  label: string,
  fetch: () => Promise<{ source: string; status: EntryStatus }>,
  onFinished: () => void,
): Promise<void> {
  const { progress, signal } = context;
  checkpoint(signal);
  try {
    const written = await fetch();
    onFinished();
    const sources = written.source === 'none' ? ['none'] : written.source.split(',');
    // One count for the entity and its `partial`, so a persisted snapshot holds both or neither.
    if (written.status === 'partial' || written.status === 'error') sources.push('partial');
    progress.advance(1, sources);
  } catch (error) {
    // A database outage is not this entity's failure: the attempt ends and is retried.
    if (signal.aborted || isDatabaseUnavailable(error)) throw error;
    onFinished();
    progress.fail(label, describeFailure(error));
  }
}
