// The expected failures of mutations: GraphQL errors whose `extensions.code` clients switch on
// (NOT_ALLOWED, INVALID_INPUT, NOT_FOUND, NOT_CONFIGURED; UNAVAILABLE while the database is out), with
// the details in the other extensions.
// Mutations return their result type itself (a JobRun, the cleared counts, the entries looked up),
// as the contract says; a failure is `data: null` plus one of these. Any other error is masked by
// yoga, so no stack trace or secret reaches a client.
import { GraphQLError } from 'graphql';
import { maskError as maskUnexpectedError } from 'graphql-yoga';
import { isDatabaseUnavailable } from '../db/unavailable.ts';
import type { ZodError } from 'zod';
import type { ProviderName } from '../types.ts';
import type { AccessDenial } from './auth.ts';
import { withContractCode } from './client-error-codes.ts';

export type ErrorCode = 'NOT_ALLOWED' | 'INVALID_INPUT' | 'NOT_FOUND' | 'NOT_CONFIGURED' | 'UNAVAILABLE';

/** What every typed failure carries: a code and details, both in `extensions`. */
export abstract class ApiError extends GraphQLError {
  constructor(message: string, code: ErrorCode, details: Record<string, unknown>) {
    super(message, { extensions: { code, ...details } });
  }
}

export class NotAllowedError extends ApiError {
  override name = 'NotAllowedError';
  constructor(
    readonly reason: AccessDenial,
    message: string,
    retryAfterSeconds?: number,
  ) {
    // reason: MISSING_TOKEN, WRONG_TOKEN, NOT_LOOPBACK, SCOPE or QUOTA (with retryAfterSeconds).
    super(message, 'NOT_ALLOWED', {
      reason: reason.toUpperCase().replace(/-/g, '_'),
      ...(retryAfterSeconds !== undefined && { retryAfterSeconds }),
    });
  }
}

export interface InputProblem {
  /** Dotted path of the input field, e.g. `input.concurrency`. */
  field: string;
  message: string;
}

export class InvalidInputError extends ApiError {
  override name = 'InvalidInputError';
  constructor(
    message: string,
    readonly problems: readonly InputProblem[] = [],
  ) {
    super(message, 'INVALID_INPUT', { problems });
  }

  static fromZod(error: ZodError, prefix = 'input'): InvalidInputError {
    const problems = error.issues.map((issue) => ({
      field: [prefix, ...issue.path.map(String)].join('.'),
      message: issue.message,
    }));
    return new InvalidInputError(
      problems.map((problem) => `${problem.field}: ${problem.message}`).join('; '),
      problems,
    );
  }
}

export class NotFoundError extends ApiError {
  override name = 'NotFoundError';
  constructor(
    readonly id: string,
    message: string,
  ) {
    super(message, 'NOT_FOUND', { id });
  }
}

export class NotConfiguredError extends ApiError {
  override name = 'NotConfiguredError';
  constructor(
    readonly provider: ProviderName,
    message: string,
  ) {
    super(message, 'NOT_CONFIGURED', { provider: provider.toUpperCase() });
  }
}

/** A provider the answer needs (Plex, for an estimate) did not answer: nothing was done; try again later. */
export class ProviderUnavailableError extends ApiError {
  override name = 'ProviderUnavailableError';
  constructor(
    readonly provider: ProviderName,
    message: string,
  ) {
    super(message, 'UNAVAILABLE', { provider: provider.toUpperCase() });
  }
}

/** Seconds a client should wait before retrying after UNAVAILABLE: about what a PostgreSQL restart takes. */
const RETRY_AFTER_SECONDS = 5;

/** The database cannot be reached: nothing was done, and the same request can be sent again shortly. */
class UnavailableError extends ApiError {
  override name = 'UnavailableError';
  constructor() {
    super(`the database is unavailable; retry in ${RETRY_AFTER_SECONDS} s`, 'UNAVAILABLE', {
      retryAfterSeconds: RETRY_AFTER_SECONDS,
    });
  }
}

/**
 * yoga's error masking, with two additions: an error whose cause is a database that cannot be reached
 * becomes UNAVAILABLE (a client can retry it) instead of "Unexpected error." (a bug), and a request
 * yoga refuses before any GraphQL runs (a body that is not JSON, no query) gets INVALID_INPUT.
 * Everything else unexpected stays masked, so no stack, SQL or setting reaches a client.
 */
export function maskError(error: unknown, message: string, isDev?: boolean): Error {
  if (isDatabaseUnavailable(error) || (error instanceof GraphQLError && isDatabaseUnavailable(error.originalError))) {
    const unavailable = new UnavailableError();
    if (error instanceof GraphQLError) {
      return new GraphQLError(unavailable.message, {
        nodes: error.nodes,
        path: error.path,
        extensions: unavailable.extensions,
      });
    }
    return unavailable;
  }
  if (error instanceof GraphQLError) {
    const coded = withContractCode(error, 'request');
    if (coded !== error) return coded;
  }
  return maskUnexpectedError(error, message, isDev);
}
