// The one line every benchmark prints per measured target, so that `npm run bench` can collect them into
// one table: workload, target, result and the baseline measured in the same run, then PASS or FALL SHORT.
// Machines here are shared and noisy, so results are medians of repetitions, and targets are ratios to a
// baseline measured in the same process wherever the target allows it.

export interface BenchResult {
  /** Short stable name, e.g. `cache-stats`. */
  name: string;
  /** What was measured on what data, e.g. `cacheStats at 32 connections, 1M artists`. */
  workload: string;
  /** The target in words, e.g. `p95 ≤ 20 ms` or `≤ 1.5 × baseline`. */
  target: string;
  /** The measured result in words, e.g. `p95 12.3 ms (0.8 × baseline)`. */
  result: string;
  /** The baseline measured in the same run, e.g. `bare yoga p95 9.1 ms`; `-` when the target is absolute. */
  baseline: string;
  pass: boolean;
}

export const RESULT_PREFIX = 'BENCH-RESULT ';

/** Prints the machine-readable line (collected by bench/run.ts) and a readable one. */
export function reportBenchResult(result: BenchResult): void {
  const verdict = result.pass ? 'PASS' : 'FALL SHORT';
  console.log(
    `${result.name}: ${result.workload} | target ${result.target} | result ${result.result} | baseline ${result.baseline} | ${verdict}`,
  );
  console.log(RESULT_PREFIX + JSON.stringify(result));
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** The q-quantile (0..1) by nearest rank. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new Error('quantile of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] as number;
}
