import type { GraphQLContext } from './context.ts';
import { NotAllowedError } from './errors.ts';

/** The first thing every mutation does: a request that may not mutate changes nothing and learns why. */
export function assertCanMutate(context: GraphQLContext): void {
  const access = context.auth.mutate;
  if (!access.allowed) throw new NotAllowedError(access.reason, access.message);
}
