// Reads of cached artists by name. Run: npm run bench -- artist-lookup (about 1.5 min, plus the seed when
// no earlier benchmark of the run built it).
//
// `linernotes serve` (API only) on the seeded library; autocannon at 32 connections:
//   - artist(name) of a random fresh cached artist: throughput against a bare graphql-yoga hello-world
//     under the same load in the same run. Target ≥ 0.6 × its requests per second.
//   - lookupArtists of 100 random fresh cached names. Target p95 ≤ 30 ms (baseline: the same bare yoga).
import { compareUnderLoad, HELLO } from './support/http-bench.ts';
import { openSeededDatabase } from './support/database.ts';
import { ms } from './support/load.ts';
import { freshArtistNames, pick } from './support/names.ts';
import { startBareYoga, startService } from './support/processes.ts';
import { reportBenchResult } from './support/report.ts';

const CONNECTIONS = 32;
const SECONDS = 5;
const TARGET_RATIO = 0.6;
const TARGET_LOOKUP_P95_MS = 30;
const LOOKUP_NAMES = 100;
const ARTIST_QUERY = `query Artist($name: String!) {
  artist(name: $name) { name nameKey genres styles moods source status fetchedAt expiresAt isExpired lastUsedAt useCount tier }
}`;
const LOOKUP_MUTATION = `mutation Lookup($names: [String!]!) {
  lookupArtists(names: $names) { name genres source status isExpired fetchedAt lastError }
}`;

const began = performance.now();
const db = await openSeededDatabase();
const names = await freshArtistNames(db.url, 20_000);
const service = await startService({ databaseUrl: db.url, args: ['--no-worker'] });
const bare = await startBareYoga();
let failed = false;
try {
  const single = await compareUnderLoad(
    {
      url: service.url,
      connections: CONNECTIONS,
      body: () => ({ query: ARTIST_QUERY, variables: { name: pick(names) } }),
    },
    { url: bare.url, connections: CONNECTIONS, body: () => HELLO },
    SECONDS,
  );
  const ratio = single.candidate.perSecond / single.baseline.perSecond;
  const singlePass = ratio >= TARGET_RATIO && single.candidate.errors === 0;
  failed ||= !singlePass;
  reportBenchResult({
    name: 'artist-by-name',
    workload: `artist(name) of a random cached artist, ${CONNECTIONS} connections`,
    target: `≥ ${TARGET_RATIO} × bare yoga req/s`,
    result: `${single.candidate.perSecond.toFixed(0)} req/s = ${ratio.toFixed(2)} ×, p95 ${ms(single.candidate.p95)}${single.candidate.errors ? `, ${single.candidate.errors} errors` : ''}`,
    baseline: `bare yoga ${single.baseline.perSecond.toFixed(0)} req/s, p95 ${ms(single.baseline.p95)}`,
    pass: singlePass,
  });

  const batch = await compareUnderLoad(
    {
      url: service.url,
      connections: CONNECTIONS,
      body: () => ({
        query: LOOKUP_MUTATION,
        variables: { names: Array.from({ length: LOOKUP_NAMES }, () => pick(names)) },
      }),
    },
    { url: bare.url, connections: CONNECTIONS, body: () => HELLO },
    SECONDS,
  );
  const batchPass = batch.candidate.p95 <= TARGET_LOOKUP_P95_MS && batch.candidate.errors === 0;
  failed ||= !batchPass;
  reportBenchResult({
    name: 'lookup-artists',
    workload: `lookupArtists of ${LOOKUP_NAMES} cached names, ${CONNECTIONS} connections`,
    target: `p95 ≤ ${TARGET_LOOKUP_P95_MS} ms`,
    result: `p95 ${ms(batch.candidate.p95)}, p50 ${ms(batch.candidate.p50)}, ${batch.candidate.perSecond.toFixed(0)} req/s${batch.candidate.errors ? `, ${batch.candidate.errors} errors` : ''}`,
    baseline: `bare yoga p95 ${ms(batch.baseline.p95)}, ${batch.baseline.perSecond.toFixed(0)} req/s`,
    pass: batchPass,
  });
} finally {
  await bare.stop();
  await service.stop();
  await db.close();
}
console.log(`(whole benchmark: ${((performance.now() - began) / 1000).toFixed(0)} s)`);
if (failed) process.exitCode = 1;
