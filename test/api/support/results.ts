// A refused mutation, as the contract answers it: `data: null` and one GraphQL error whose extensions
// say why (`code`: NOT_ALLOWED, INVALID_INPUT, NOT_CONFIGURED or NOT_FOUND, and its details beside it).
import type { GraphQLResponse } from '../../support/graphql-clients.ts';

export interface Refusal {
  message: string;
  extensions: { code: string } & Record<string, unknown>;
}

/** The one error of a refused operation, or a failure that shows what came instead. */
export function refusal<R>(response: GraphQLResponse<R> | undefined): Refusal {
  const errors = response?.errors ?? [];
  const error = errors[0];
  const extensions = error?.extensions ?? {};
  const code = extensions.code;
  // data is null, not absent: the operation was valid, it ran, and the resolver refused it.
  if (response?.data !== null || errors.length !== 1 || error === undefined || typeof code !== 'string') {
    throw new Error(`expected data: null and one error with extensions.code, got ${JSON.stringify(response)}`);
  }
  return { message: error.message, extensions: { ...extensions, code } };
}
