// Artists of one genre, a page at a time. Run: npm run bench -- genre-listing (about 1 min, plus the seed
// when no earlier benchmark of the run built it).
//
// `linernotes serve` (API only) on the seeded library (1,000,000 artists, 600 genres on a steep power
// law); autocannon at 32 connections asks artists(first: 100, filter: {genre}) for a genre drawn
// uniformly over all genres, so the long tail and the biggest genres weigh alike. Target: p95 ≤ 25 ms.
// Baseline in the same run: a bare graphql-yoga hello-world under the same load.
import { openSeededDatabase } from './support/database.ts';
import { compareUnderLoad, HELLO, reportP95AgainstBareYoga } from './support/http-bench.ts';
import { startBareYoga, startService } from './support/processes.ts';
import { seedGenreOf } from './support/seed.ts';

const CONNECTIONS = 32;
const SECONDS = 5;
const TARGET_P95_MS = 25;
const QUERY = `query GenrePage($genre: String!) {
  artists(first: 100, filter: { genre: $genre }) {
    pageInfo { hasNextPage endCursor }
    edges { node { name genres source status expiresAt tier } }
  }
}`;

const began = performance.now();
const db = await openSeededDatabase();
const service = await startService({ databaseUrl: db.url, args: ['--no-worker'] });
const bare = await startBareYoga();
try {
  const comparison = await compareUnderLoad(
    {
      url: service.url,
      connections: CONNECTIONS,
      body: () => ({ query: QUERY, variables: { genre: seedGenreOf(Math.floor(Math.random() * db.seed.genres)) } }),
    },
    { url: bare.url, connections: CONNECTIONS, body: () => HELLO },
    SECONDS,
  );
  if (
    !reportP95AgainstBareYoga(
      {
        name: 'genre-listing',
        workload: `artists(first: 100, filter: {genre}), genre drawn over all ${db.seed.genres}, ${CONNECTIONS} connections, ${db.seed.artists.toLocaleString('en-US')} artists`,
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
