// The API's door to the jobs: the rules every door applies (src/jobs/start-job.ts), their refusals as
// the API's error codes. Starting a kind that is already queued or running returns that run.
import { ZodError } from 'zod';
import { JobNotConfiguredError } from '../jobs/engine/readiness.ts';
import type { JobRunRecord } from '../jobs/engine/runs/run-fields.ts';
import { queueJob } from '../jobs/start-job.ts';
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
): Promise<JobRunRecord> {
  assertCanMutate(context);
  try {
    const { run } = await queueJob({ ...context.deps, config: context.config }, kind, input, 'api');
    return run;
  } catch (error) {
    if (error instanceof JobNotConfiguredError) throw new NotConfiguredError(error.provider, error.message);
    if (error instanceof ZodError) throw InvalidInputError.fromZod(error);
    throw error;
  }
}
