// What every answer to hostile input must look like: a clear, typed error or plain data; never an
// internal error, a stack trace, SQL, a file path or a setting.
import type { GraphQLResponse } from '../../support/graphql-clients.ts';

/** Codes of errors a client caused: ours, and those of GraphQL's own parse, validation and coercion. */
const CLIENT_ERROR_CODES = new Set([
  'INVALID_INPUT',
  'NOT_FOUND',
  'NOT_ALLOWED',
  'NOT_CONFIGURED',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
]);

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
    // graphql-js's own validation and coercion errors carry no code; what matters is that none is internal.
    if (code === 'INTERNAL_SERVER_ERROR' || (typeof code === 'string' && !CLIENT_ERROR_CODES.has(code))) {
      problems.push(`code ${String(code)}: ${error.message}`);
    }
  }
  return problems;
}
