// The dashboard's GraphQL operations (plain browser JavaScript, outside codegen's reach) checked
// against the schema, so that a renamed field breaks this test rather than the page.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../../src/graphql/schema.ts';

const operationsFile = path.resolve(import.meta.dirname, '../../src/dashboard/operations.js');

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Every operation string the module exports, directly or in the JOBS list. */
async function dashboardOperations(): Promise<Array<[string, string]>> {
  const loaded: unknown = await import(pathToFileURL(operationsFile).href);
  if (!isRecord(loaded)) throw new Error('operations.js exports nothing');
  const found: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(loaded)) {
    if (typeof value === 'string') found.push([name, value]);
    if (Array.isArray(value)) {
      for (const job of value) {
        if (isRecord(job) && typeof job.mutation === 'string') found.push([`${name}.${String(job.id)}`, job.mutation]);
      }
    }
  }
  return found;
}

describe('dashboard operations', () => {
  it('are all valid against the schema', async () => {
    const operations = await dashboardOperations();
    expect(operations.map(([name]) => name)).toEqual(
      expect.arrayContaining([
        'DASHBOARD_QUERY',
        'RUN_PROGRESS_SUBSCRIPTION',
        'RUN_EVENTS_SUBSCRIPTION',
        'CANCEL_MUTATION',
        'JOBS.warm-artists',
      ]),
    );
    for (const [name, source] of operations) {
      const errors = validate(schema, parse(source)).map((error) => error.message);
      expect({ name, errors }).toEqual({ name, errors: [] });
    }
  });

  it('name a mutation field for every job button that exists in the schema', async () => {
    const loaded: unknown = await import(pathToFileURL(operationsFile).href);
    const jobs = isRecord(loaded) && Array.isArray(loaded.JOBS) ? loaded.JOBS : [];
    const mutationFields = Object.keys(schema.getMutationType()?.getFields() ?? {});
    expect(jobs.length).toBe(5);
    for (const job of jobs) expect(mutationFields).toContain(isRecord(job) ? job.field : undefined);
  });
});
