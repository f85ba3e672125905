// Every error a client caused carries one of the contract's codes. graphql-js answers a query that does
// not parse, fails validation or has a wrongly typed variable (an unknown enum value, an Int beyond 32
// bits) with no code; yoga then adds GRAPHQL_PARSE_FAILED or
// GRAPHQL_VALIDATION_FAILED, graphql-armor's limits say BAD_USER_INPUT, and Pothos' connection and
// cursor checks throw code-less errors. All of them become INVALID_INPUT here, on every transport (HTTP,
// SSE and graphql-ws run the same envelop hooks), so a client switches on one set of codes.
import { PothosValidationError } from '@pothos/core';
import { type ExecutionResult, GraphQLError, type GraphQLErrorExtensions } from 'graphql';
import { handleStreamOrSingleExecutionResult, type Plugin } from 'graphql-yoga';
import type { ErrorCode } from './errors.ts';

const CONTRACT_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  'NOT_ALLOWED',
  'INVALID_INPUT',
  'NOT_FOUND',
  'NOT_CONFIGURED',
  'UNAVAILABLE',
]);

/** Codes other GraphQL servers and libraries give a client's mistake; the contract's word for it is INVALID_INPUT. */
const FOREIGN_INPUT_CODES: ReadonlySet<string> = new Set([
  'BAD_USER_INPUT',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  // yoga's answer to a body over its size limit (status 413).
  'REQUEST_ENTITY_TOO_LARGE',
  // yoga's answer to a document whose operation it cannot pick (two operations, no operationName).
  'OPERATION_RESOLUTION_FAILURE',
]);

/** Whether the error and everything it wraps are GraphQL errors: a bug's error wraps something else and stays masked. */
function raisedOnPurpose(error: GraphQLError): boolean {
  const cause = error.originalError;
  if (cause === undefined || cause === null) return true;
  return cause instanceof GraphQLError && raisedOnPurpose(cause);
}

function wrapsPothosValidation(error: GraphQLError): boolean {
  const cause = error.originalError;
  if (cause instanceof PothosValidationError) return true;
  return cause instanceof GraphQLError && wrapsPothosValidation(cause);
}

/**
 * Whether a client's input caused this error. Before execution (parse, validation) every error does.
 * During execution: one without a path is about the request as a whole (a variable that does not
 * coerce, an operation name that matches nothing); one with a path is a resolver's, and only Pothos'
 * argument checks are input errors among the code-less ones.
 */
function isInputError(error: GraphQLError, phase: 'document' | 'execution' | 'request'): boolean {
  const code = error.extensions.code;
  if (typeof code === 'string') return FOREIGN_INPUT_CODES.has(code);
  if (!raisedOnPurpose(error)) return false;
  if (phase === 'request') return isClientStatus(error.extensions.http);
  return phase === 'document' || error.path === undefined || wrapsPothosValidation(error);
}

/** yoga's request checks (a body that is not JSON, no query, a mutation over GET) say 4xx in `extensions.http`. */
function isClientStatus(http: unknown): boolean {
  if (typeof http !== 'object' || http === null || !('status' in http)) return false;
  const status = http.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/**
 * The same error with the contract's code: INVALID_INPUT for a client's mistake, unchanged otherwise.
 * `document`: parse and validation; `execution`: variables and resolvers; `request`: yoga's checks of
 * the HTTP request itself, before any GraphQL.
 */
export function withContractCode(error: GraphQLError, phase: 'document' | 'execution' | 'request'): GraphQLError {
  const code = error.extensions.code;
  if (typeof code === 'string' && CONTRACT_CODES.has(code)) return error;
  if (!isInputError(error, phase)) return error;
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: { ...error.extensions, code: 'INVALID_INPUT', ...requestStatus(error, phase) },
  });
}

/**
 * yoga marks some request errors (a body that is not JSON, no query) `spec`, and then answers an SSE or
 * plain-JSON client 200 with the error as an event; dropping the mark makes it the 4xx it states.
 */
function requestStatus(
  error: GraphQLError,
  phase: 'document' | 'execution' | 'request',
): Pick<GraphQLErrorExtensions, 'http'> {
  const http = error.extensions.http;
  if (phase !== 'request' || http?.spec === undefined) return {};
  const { spec: _spec, ...rest } = http;
  return { http: rest };
}

function codedResult(result: ExecutionResult): ExecutionResult | undefined {
  if (!result.errors?.some((error) => withContractCode(error, 'execution') !== error)) return undefined;
  return { ...result, errors: result.errors.map((error) => withContractCode(error, 'execution')) };
}

export function clientErrorCodePlugin(): Plugin {
  return {
    onParse() {
      return ({ result, replaceParseResult }) => {
        if (result instanceof GraphQLError) replaceParseResult(withContractCode(result, 'document'));
      };
    },
    onValidate({ validateFn, setValidationFn }) {
      // graphql-armor's limits throw from inside validation instead of reporting an error: caught here,
      // such a refusal answers like any other validation error (status 400, one error per limit).
      setValidationFn((...args) => {
        try {
          return validateFn(...args);
        } catch (error) {
          if (error instanceof GraphQLError) return [error];
          throw error;
        }
      });
      return ({ valid, result, setResult }) => {
        if (valid) return;
        setResult(result.map((error) => (error instanceof GraphQLError ? withContractCode(error, 'document') : error)));
      };
    },
    onExecute() {
      return {
        onExecuteDone: (payload) =>
          handleStreamOrSingleExecutionResult(payload, ({ result, setResult }) => {
            const coded = codedResult(result);
            if (coded) setResult(coded);
          }),
      };
    },
    onSubscribe() {
      return {
        onSubscribeResult: (payload) =>
          handleStreamOrSingleExecutionResult(
            {
              args: payload.args,
              result: payload.result,
              setResult: payload.setResult,
            },
            ({ result, setResult }) => {
              const coded = codedResult(result);
              if (coded) setResult(coded);
            },
          ),
        onSubscribeError: ({ error, setError }) => {
          if (error instanceof GraphQLError) setError(withContractCode(error, 'execution'));
        },
      };
    },
  };
}
