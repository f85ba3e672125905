// The API's door to the jobs: checks, then one transaction that writes the run and its graphile-worker
// job (src/jobs/runs/start-run.ts). Starting a kind that is already queued or running returns that run.
import { ZodError } from 'zod';
import { eventFromRun, publishRunEvent } from '../jobs/run-events.ts';
import { jobDefinition } from '../jobs/registry.ts';
import { missingProviderFor } from '../jobs/required-providers.ts';
import { type RunView, viewOfRun } from '../jobs/run-view.ts';
import { startQueuedRun } from '../jobs/runs/start-run.ts';
import type { JobKind } from '../types.ts';
import type { GraphQLContext } from './context.ts';
import { InvalidInputError, NotConfiguredError } from './errors.ts';
import { assertCanMutate } from './guards.ts';

/** GraphQL input fields left out or null mean "the default": the job's option schema fills those in. */
export function givenFields(input: Readonly<Record<string, unknown>> | null | undefined): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input ?? {}).filter(([, value]) => value !== null && value !== undefined));
}

export async function startRunFromApi(
  context: GraphQLContext,
  kind: JobKind,
  input: Record<string, unknown>,
): Promise<RunView> {
  assertCanMutate(context);
  const missing = missingProviderFor(kind, context.config.providers);
  if (missing) throw new NotConfiguredError(missing.provider, missing.message);
  let options: Record<string, unknown>;
  try {
    options = jobDefinition(kind).parseOptions(input, context.config) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof ZodError) throw InvalidInputError.fromZod(error);
    throw error;
  }
  const { run, created } = await startQueuedRun(context.db.pool, { kind, trigger: 'api', options });
  // The worker's events start when it claims the run; this one tells jobRunEvents subscribers it is queued.
  if (created) {
    await publishRunEvent(context.db.pool, eventFromRun(run, context.deps.clock())).catch((error: unknown) =>
      context.logger.warn({ err: error }, 'could not announce the queued run'),
    );
  }
  return viewOfRun(run);
}
