// Alternating repetitions of a load against the service and against its baseline, so that drift in the
// shared machine's load hits both alike; each figure is the median over the repetitions.
import { type GraphQLLoad, type LoadResult, ms, runGraphQLLoad } from './load.ts';
import { median, reportBenchResult } from './report.ts';

export interface MedianLoad {
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
}

function medians(results: LoadResult[]): MedianLoad {
  return {
    perSecond: median(results.map((result) => result.perSecond)),
    p50: median(results.map((result) => result.p50)),
    p95: median(results.map((result) => result.p95)),
    p99: median(results.map((result) => result.p99)),
    errors: results.reduce((sum, result) => sum + result.errors, 0),
  };
}

export interface Comparison {
  candidate: MedianLoad;
  baseline: MedianLoad;
}

const REPETITIONS = 3;

/** A short warm-up of each side (JIT, plans, pools), then REPETITIONS alternating rounds. */
export async function compareUnderLoad(
  candidate: Omit<GraphQLLoad, 'seconds'>,
  baseline: Omit<GraphQLLoad, 'seconds'>,
  seconds: number,
): Promise<Comparison> {
  await runGraphQLLoad({ ...candidate, seconds: 2 });
  await runGraphQLLoad({ ...baseline, seconds: 2 });
  const candidates: LoadResult[] = [];
  const baselines: LoadResult[] = [];
  for (let round = 0; round < REPETITIONS; round += 1) {
    baselines.push(await runGraphQLLoad({ ...baseline, seconds }));
    candidates.push(await runGraphQLLoad({ ...candidate, seconds }));
  }
  return { candidate: medians(candidates), baseline: medians(baselines) };
}

export const HELLO = { query: '{ hello }' };

/** Reports a p95 target measured under load next to bare graphql-yoga's figures from the same run. */
export function reportP95AgainstBareYoga(
  report: { name: string; workload: string; targetP95Ms: number },
  { candidate, baseline }: Comparison,
): boolean {
  const pass = candidate.p95 <= report.targetP95Ms && candidate.errors === 0;
  reportBenchResult({
    name: report.name,
    workload: report.workload,
    target: `p95 ≤ ${report.targetP95Ms} ms`,
    result: `p95 ${ms(candidate.p95)}, p50 ${ms(candidate.p50)}, ${candidate.perSecond.toFixed(0)} req/s${candidate.errors ? `, ${candidate.errors} errors` : ''}`,
    baseline: `bare yoga p95 ${ms(baseline.p95)}, ${baseline.perSecond.toFixed(0)} req/s`,
    pass,
  });
  return pass;
}
