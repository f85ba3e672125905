import { Kind, print } from 'graphql';
import { builder } from '../builder.ts';
import { InvalidInputError } from '../errors.ts';

const DATE_TIME_EXPECTED = 'must be an ISO 8601 date-time string, e.g. 2026-01-31T12:00:00Z';

/** A bad DateTime is the client's mistake: INVALID_INPUT, saying what was sent and what is expected. */
function invalidDateTime(shown: string): InvalidInputError {
  const message = `${DATE_TIME_EXPECTED} (got ${shown})`;
  return new InvalidInputError(`DateTime ${message}`, [{ field: 'DateTime', message }]);
}

function parseDateTime(value: unknown): Date {
  const date = typeof value === 'string' ? new Date(value) : undefined;
  if (date === undefined || Number.isNaN(date.getTime())) throw invalidDateTime(JSON.stringify(value));
  return date;
}

builder.scalarType('DateTime', {
  description: 'An instant, as an ISO 8601 string in UTC (e.g. `2026-01-31T12:00:00.000Z`).',
  serialize: (value) => (value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString()),
  parseValue: (value) => parseDateTime(value),
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw invalidDateTime(print(ast));
    return parseDateTime(ast.value);
  },
});

builder.scalarType('JSON', {
  description: 'Any JSON value.',
  serialize: (value) => value,
  parseValue: (value) => value,
});
