// The dashboard's statistics under load. Run: npm run bench -- cache-stats-load (about 1 min, plus the
// seed when no earlier benchmark of the run built it).
//
// `linernotes serve` (API only) on 1,000,000 artists, 300,000 albums and 500,000 tracks; autocannon at 32
// connections sends the dashboard's cacheStats selection (its Dashboard query without the job history).
// Target: p95 ≤ 20 ms. Baseline in the same run: a bare graphql-yoga hello-world under the same load.
import { Kind, parse, print, visit } from 'graphql';
import { openSeededDatabase } from './support/database.ts';
import { compareUnderLoad, HELLO, reportP95AgainstBareYoga } from './support/http-bench.ts';
import { startBareYoga, startService } from './support/processes.ts';

const CONNECTIONS = 32;
const SECONDS = 5;
const TARGET_P95_MS = 20;

/** The dashboard's query with the job history (and its variable) taken out: what cacheStats alone costs. */
async function cacheStatsSelection(): Promise<string> {
  // The dashboard's module is browser JavaScript without type declarations.
  const operations: { DASHBOARD_QUERY?: unknown } = await import(
    new URL('../src/dashboard/operations.js', import.meta.url).href
  );
  if (typeof operations.DASHBOARD_QUERY !== 'string') throw new Error('the dashboard exports no DASHBOARD_QUERY');
  const document = visit(parse(operations.DASHBOARD_QUERY), {
    Field: (node) => (node.name.value === 'jobRuns' ? null : undefined),
    VariableDefinition: (node) => (node.variable.name.value === 'history' ? null : undefined),
    FragmentDefinition: (node) => (node.name.value === 'DashboardRun' ? null : undefined),
  });
  if (
    document.definitions.some(
      (definition) => definition.kind !== Kind.OPERATION_DEFINITION && definition.kind !== Kind.FRAGMENT_DEFINITION,
    )
  ) {
    throw new Error('unexpected definition in the dashboard query');
  }
  return print(document);
}

const began = performance.now();
const db = await openSeededDatabase();
const service = await startService({ databaseUrl: db.url, args: ['--no-worker'] });
const bare = await startBareYoga();
try {
  const query = await cacheStatsSelection();
  const comparison = await compareUnderLoad(
    { url: service.url, connections: CONNECTIONS, body: () => ({ query, variables: { topGenres: 10 } }) },
    { url: bare.url, connections: CONNECTIONS, body: () => HELLO },
    SECONDS,
  );
  if (
    !reportP95AgainstBareYoga(
      {
        name: 'cache-stats-load',
        workload: `dashboard cacheStats, ${CONNECTIONS} connections, ${db.seed.artists.toLocaleString('en-US')} artists`,
        targetP95Ms: TARGET_P95_MS,
      },
      comparison,
    )
  )
    process.exitCode = 1;
} finally {
  await bare.stop();
  await service.stop();
  await db.close();
}
console.log(`(whole benchmark: ${((performance.now() - began) / 1000).toFixed(0)} s)`);
