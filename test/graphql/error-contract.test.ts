// The error contract, walked over the whole schema: the server is introspected through a real HTTP
// client, and every argument of every root field, and every field of every input object it reaches, is
// sent bad values (wrong type, out-of-range Int, unknown enum value, NUL character, malformed date or
// cursor, unknown input field), both as a variable and as a literal. Each answer must carry one of the
// contract's codes in `extensions.code`: INVALID_INPUT for a value the schema or a scalar rejects, and
// for a value a resolver judges (a negative Int, an unknown id) data or one of the contract's codes.
// Nothing is listed by hand, so an argument added later is walked too.
import {
  buildClientSchema,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLSchema,
  getIntrospectionQuery,
  getNamedType,
  type IntrospectionQuery,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  isLeafType,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import { QUERY_LIMITS } from '../../src/graphql/armor.ts';
import { type GraphQLResponse, httpQuery, wsClient, wsCollect } from '../support/graphql-clients.ts';
import { type Harness, startHarness } from '../support/harness.ts';
import { NO_SCHEDULES } from '../support/no-schedules.ts';
import { type ApiServer, startApiServer } from '../api/support/api-server.ts';

const ADMIN_TOKEN = 'error-contract-admin-token-4c1e';
const CONTRACT_CODES = new Set(['NOT_ALLOWED', 'INVALID_INPUT', 'NOT_CONFIGURED', 'NOT_FOUND', 'UNAVAILABLE']);
const NUL = '\u0000';

/**
 * A value each scalar accepts, to fill the required arguments and input fields beside the one under test.
 * A new scalar needs an entry here (the test says so); its arguments are then walked without edits.
 */
const VALID_SCALAR_VALUES: Record<string, unknown> = {
  Int: 1,
  Float: 1.5,
  String: 'x',
  ID: '1',
  Boolean: true,
  DateTime: '2026-01-01T00:00:00.000Z',
  JSON: {},
  JobKind: 'cache-warm',
};

/** Values of the right GraphQL type that a custom scalar must still refuse (a string is its wire type). */
const BAD_CUSTOM_SCALAR_VALUES: Record<string, unknown[]> = {
  DateTime: ['not-a-date', '2026-13-45T99:00:00Z', true],
  JobKind: ['no-such-kind', 7],
  // Any JSON value is a JSON value; only the NUL check below applies.
  JSON: [],
};

/** Relay's cursor arguments: an opaque string the server made, so anything else is malformed. */
const CURSOR_ARGUMENTS = new Set(['after', 'before']);

type Expectation = 'INVALID_INPUT' | 'contract';

interface BadValue {
  label: string;
  value: unknown;
  expect: Expectation;
}

interface Case {
  name: string;
  operation: 'query' | 'mutation' | 'subscription';
  query: string;
  variables?: Record<string, unknown>;
  expect: Expectation;
}

function validValue(type: GraphQLInputType, problems: string[]): unknown {
  if (isNonNullType(type)) return validValue(type.ofType, problems);
  if (isListType(type)) return [validValue(type.ofType, problems)];
  if (isEnumType(type)) return type.getValues()[0]?.name;
  if (isInputObjectType(type)) return requiredFieldsOf(type, problems);
  if (!(type.name in VALID_SCALAR_VALUES)) problems.push(`no valid sample value for scalar ${type.name}: add one`);
  return VALID_SCALAR_VALUES[type.name];
}

function requiredFieldsOf(
  type: Extract<GraphQLInputType, { getFields: unknown }>,
  problems: string[],
): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const field of Object.values(type.getFields())) {
    if (isNonNullType(field.type) && field.defaultValue === undefined)
      fields[field.name] = validValue(field.type, problems);
  }
  return fields;
}

/** Bad values for one input position, each labelled with the path inside the argument. */
function badValues(type: GraphQLInputType, path: string, cursor: boolean, problems: string[], depth = 0): BadValue[] {
  if (isNonNullType(type)) return badValues(type.ofType, path, cursor, problems, depth);
  if (isListType(type))
    return badValues(type.ofType, `${path}[0]`, false, problems, depth).map((bad) => ({ ...bad, value: [bad.value] }));
  const at = (label: string, value: unknown, expect: Expectation = 'INVALID_INPUT'): BadValue => ({
    label: `${path}: ${label}`,
    value,
    expect,
  });
  if (isEnumType(type)) return [at('unknown enum value', 'NO_SUCH_VALUE'), at('wrong type', 7)];
  if (isInputObjectType(type)) {
    const base = requiredFieldsOf(type, problems);
    const bad = [at('wrong type', 'not-an-object'), at('unknown input field', { ...base, noSuchField: 1 })];
    // Input objects that contain themselves (filters with AND/OR) are walked a few levels deep.
    if (depth >= 3) return bad;
    for (const field of Object.values(type.getFields())) {
      for (const inner of badValues(field.type, `${path}.${field.name}`, false, problems, depth + 1))
        bad.push({ ...inner, value: { ...base, [field.name]: inner.value } });
    }
    return bad;
  }
  if (!isScalarType(type)) return [];
  switch (type.name) {
    case 'Int':
      return [
        at('wrong type', 'ten'),
        at('fraction', 1.5),
        at('beyond 32 bits', 2 ** 31),
        at('negative', -1, 'contract'),
      ];
    case 'Float':
      return [at('wrong type', 'one and a half')];
    case 'Boolean':
      return [at('wrong type', 'yes')];
    case 'String':
      return [
        at('wrong type', 7),
        at('NUL character', `a${NUL}b`),
        ...(cursor ? [at('malformed cursor', '%%%not-a-cursor')] : []),
      ];
    case 'ID':
      return [at('wrong type', true), at('NUL character', `1${NUL}`), at('unknown id', 'no-such-id', 'contract')];
    default:
      if (!(type.name in BAD_CUSTOM_SCALAR_VALUES))
        problems.push(`no bad sample values for scalar ${type.name}: add some`);
      return [
        ...(BAD_CUSTOM_SCALAR_VALUES[type.name] ?? []).map((value) => at(`malformed ${type.name}`, value)),
        at('NUL character', `x${NUL}`),
      ];
  }
}

/** A GraphQL literal for a value at a type: enum values bare, everything else as JSON (which GraphQL reads). */
function literalOf(value: unknown, type: GraphQLInputType | undefined): string {
  const named: GraphQLNamedType | undefined = type ? getNamedType(type) : undefined;
  if (Array.isArray(value)) {
    const element = type && isNonNullType(type) ? type.ofType : type;
    const inner = element && isListType(element) ? element.ofType : element;
    return `[${value.map((item) => literalOf(item, inner)).join(', ')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const fields = named && isInputObjectType(named) ? named.getFields() : {};
    const entries = Object.entries(value).map(([key, item]) => `${key}: ${literalOf(item, fields[key]?.type)}`);
    return `{ ${entries.join(', ')} }`;
  }
  if (typeof value === 'string' && named && isEnumType(named) && /^[_A-Za-z][_0-9A-Za-z]*$/.test(value)) return value;
  return JSON.stringify(value);
}

function selectionOf(field: GraphQLField<unknown, unknown>): string {
  return isLeafType(getNamedType(field.type)) ? '' : ' { __typename }';
}

/** Every bad value of every argument of every root field, as a variable and as a literal. */
function casesOf(schema: GraphQLSchema, problems: string[]): Case[] {
  const cases: Case[] = [];
  const roots = [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
    ['subscription', schema.getSubscriptionType()],
  ] as const;
  for (const [operation, root] of roots) {
    if (!root) continue;
    for (const field of Object.values(root.getFields())) {
      const requiredArgs = (except: GraphQLArgument) =>
        field.args
          .filter((arg) => arg !== except && isNonNullType(arg.type) && arg.defaultValue === undefined)
          .map((arg) => `${arg.name}: ${literalOf(validValue(arg.type, problems), arg.type)}`);
      for (const arg of field.args) {
        const siblings = requiredArgs(arg);
        for (const bad of badValues(arg.type, arg.name, CURSOR_ARGUMENTS.has(arg.name), problems)) {
          const args = (value: string) => [`${arg.name}: ${value}`, ...siblings].join(', ');
          const name = `${operation} ${field.name}(${bad.label})`;
          cases.push({
            name: `${name} as a variable`,
            operation,
            query: `${operation}($v: ${String(arg.type)}) { ${field.name}(${args('$v')})${selectionOf(field)} }`,
            variables: { v: bad.value },
            expect: bad.expect,
          });
          cases.push({
            name: `${name} as a literal`,
            operation,
            query: `${operation} { ${field.name}(${args(literalOf(bad.value, arg.type))})${selectionOf(field)} }`,
            expect: bad.expect,
          });
        }
      }
    }
  }
  return cases;
}

/**
 * A subscription's first answer over SSE: refused input answers at once; one that starts streams
 * nothing until an event, so after a short wait it counts as accepted (and the stream is closed).
 */
async function firstSubscriptionAnswer(
  url: string,
  query: string,
  variables: Record<string, unknown> | undefined,
): Promise<GraphQLResponse | 'started'> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), 3_000);
  try {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query, variables }),
      signal: abort.signal,
    });
    if (!response.headers.get('content-type')?.includes('text/event-stream'))
      return (await response.json()) as GraphQLResponse;
    if (!response.body) return 'started';
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      const next = /event: next\ndata: (.*)\n\n/.exec(buffer);
      if (next?.[1]) return JSON.parse(next[1]) as GraphQLResponse;
    }
    return 'started';
  } catch (error) {
    if (abort.signal.aborted) return 'started';
    throw error;
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}

function verdict(test: Case, answer: GraphQLResponse | 'started'): string | undefined {
  const shown = JSON.stringify(answer).slice(0, 300);
  const errors = answer === 'started' ? [] : (answer.errors ?? []);
  if (test.expect === 'INVALID_INPUT') {
    if (errors.length === 0) return `expected INVALID_INPUT, got ${shown}`;
    if (errors.some((error) => error.extensions?.code !== 'INVALID_INPUT'))
      return `expected every error to be INVALID_INPUT, got ${shown}`;
    return undefined;
  }
  const stray = errors.filter((error) => !CONTRACT_CODES.has(String(error.extensions?.code)));
  return stray.length > 0 ? `expected data or a contract code, got ${shown}` : undefined;
}

/** Operations GraphQL itself refuses (syntax, validation, variables, the armor limits), whatever the schema holds. */
function malformedOperations(): Array<{ name: string; query: string; variables?: Record<string, unknown> }> {
  let deep = '__typename';
  for (let level = 0; level <= QUERY_LIMITS.maxDepth; level++) deep = `albums { artist { ${deep} } }`;
  const aliases = Array.from({ length: QUERY_LIMITS.maxAliases + 1 }, (_, index) => `a${index}: cacheStats { at }`);
  return [
    { name: 'syntax error', query: '{ artists(first: ) }' },
    { name: 'unknown field', query: '{ noSuchField }' },
    { name: 'unknown argument', query: '{ cacheStats(noSuchArgument: 1) { at } }' },
    { name: 'leaf without selection', query: '{ cacheStats }' },
    { name: 'missing required variable', query: 'query($id: ID!) { jobRun(id: $id) { id } }' },
    { name: 'variable of an unknown type', query: 'query($v: NoSuchType) { __typename }', variables: { v: 1 } },
    { name: 'over the depth limit', query: `{ artist(name: "x") { ${deep} } }` },
    { name: 'over the alias limit', query: `{ ${aliases.join(' ')} }` },
    {
      name: 'over the token limit',
      query: `{ ${Array.from({ length: QUERY_LIMITS.maxTokens }, () => '__typename').join(' ')} }`,
    },
  ];
}

/** graphql-ws reports an operation refused before it runs as an error message holding its GraphQL errors. */
async function overWs(client: Client, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse> {
  try {
    return (await wsCollect(client, query, variables))[0] ?? {};
  } catch (error) {
    const parsed: unknown = JSON.parse(error instanceof Error ? error.message : String(error));
    return { errors: Array.isArray(parsed) ? (parsed as GraphQLResponse['errors']) : [] };
  }
}

describe('the error contract over every argument of the schema', () => {
  let harness: Harness;
  let api: ApiServer;

  beforeAll(async () => {
    harness = await startHarness({ sims: { seed: 21, artists: 2 }, env: { ...NO_SCHEDULES } });
    api = await startApiServer(harness, { config: { ...harness.config, apiToken: ADMIN_TOKEN } });
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    await harness?.close();
  });

  it('answers every bad argument and input field with a contract code (INVALID_INPUT for malformed values)', async () => {
    const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const introspection = await httpQuery<IntrospectionQuery>(api.url, getIntrospectionQuery(), undefined, auth);
    if (!introspection.data) throw new Error(`introspection failed: ${JSON.stringify(introspection.errors)}`);
    const schema = buildClientSchema(introspection.data);
    const problems: string[] = [];
    const cases = casesOf(schema, problems);
    const walkedArguments = new Set(cases.map((test) => test.name.replace(/:.*$/, '').replace(/\[0\]/g, '')));
    for (const test of cases) {
      const answer =
        test.operation === 'subscription'
          ? await firstSubscriptionAnswer(api.url, test.query, test.variables)
          : await httpQuery(api.url, test.query, test.variables, auth);
      const problem = verdict(test, answer);
      if (problem) problems.push(`${test.name}: ${problem}`);
    }
    console.log(
      `error contract: ${cases.length} bad values over ${walkedArguments.size} arguments and input fields, ${problems.length} problems`,
    );
    // Sanity of the walk itself: the schema has arguments of every kind the contract speaks of.
    expect(cases.some((test) => test.operation === 'mutation' && test.name.includes('NUL character'))).toBe(true);
    expect(cases.some((test) => test.name.includes('unknown enum value'))).toBe(true);
    expect(cases.some((test) => test.name.includes('malformed cursor'))).toBe(true);
    expect(problems).toEqual([]);
  }, 240_000);

  it('answers operations GraphQL refuses, and requests yoga refuses, with INVALID_INPUT on every transport', async () => {
    const problems: string[] = [];
    const ws = wsClient(api.url);
    try {
      for (const operation of malformedOperations()) {
        const answers: Record<string, GraphQLResponse | 'started'> = {
          http: await httpQuery(api.url, operation.query, operation.variables),
          sse: await firstSubscriptionAnswer(api.url, operation.query, operation.variables),
          ws: await overWs(ws, operation.query, operation.variables),
        };
        for (const [transport, answer] of Object.entries(answers)) {
          const problem = verdict(
            { name: operation.name, operation: 'query', query: '', expect: 'INVALID_INPUT' },
            answer,
          );
          if (problem) problems.push(`${transport} / ${operation.name}: ${problem}`);
        }
      }
    } finally {
      await ws.dispose();
    }
    // Refused by yoga before any GraphQL: a body that is not JSON, a body without a query.
    for (const [name, body] of [
      ['body not JSON', '{"query": '],
      ['no query', '{"variables": {}}'],
    ] as const) {
      const response = await fetch(`${api.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
        body,
      });
      const answer = (await response.json()) as GraphQLResponse;
      const problem = verdict({ name, operation: 'query', query: '', expect: 'INVALID_INPUT' }, answer);
      if (problem) problems.push(`http / ${name}: ${problem}`);
      if (response.status !== 400) problems.push(`http / ${name}: status ${response.status}, expected 400`);
    }
    expect(problems).toEqual([]);
  }, 60_000);
});
