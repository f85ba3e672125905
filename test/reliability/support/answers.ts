// What every answer to hostile input must look like: a clear, typed error or plain data; never an
// internal error, a stack trace, SQL, a file path or a setting.
import type { GraphQLResponse } from '../../support/graphql-clients.ts';

/** The contract's codes for errors a client caused, GraphQL's own parse, validation and coercion included. */
export const CLIENT_ERROR_CODES = new Set(['INVALID_INPUT', 'NOT_FOUND', 'NOT_ALLOWED', 'NOT_CONFIGURED']);

const LEAKS = [
  /\bat .+\.(ts|js):\d+/,
  /\/work\/|\/home\/|\/tmp\//,
  /\bSELECT\b|\bINSERT\b|\bUPDATE\b.*\bSET\b|\bWHERE\b/,
  /postgres(ql)?:\/\//i,
  /Unexpected error/,
];

/** Problems of one answer (empty when it is acceptable). */
export function answerProblems(answer: GraphQLResponse | undefined, expectError: boolean): string[] {
  const problems: string[] = [];
  if (!answer) return ['no answer'];
  const text = JSON.stringify(answer);
  for (const leak of LEAKS) if (leak.test(text)) problems.push(`leaks ${leak}: ${text.slice(0, 300)}`);
  const errors = answer.errors ?? [];
  if (expectError && errors.length === 0) problems.push(`expected an error, got ${text.slice(0, 300)}`);
  for (const error of errors) {
    const code = error.extensions?.code;
    // A code-less error is as wrong as an internal one: the client could not tell what happened.
    if (typeof code !== 'string' || !CLIENT_ERROR_CODES.has(code)) {
      problems.push(`code ${String(code)}: ${error.message}`);
    }
  }
  return problems;
}
