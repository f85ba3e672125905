// `npm run bench` runs every bench/*.bench.ts one after another (each in its own process, so one cannot
// warm or load the next), all on one PostgreSQL server (TEST_DATABASE_URL, or an embedded one started
// here) so the seeded library is built once; `npm run bench -- NAME [NAME …]` runs the named ones. Prints each benchmark's
// output as it runs, then one table of every result line, and exits 1 when any target fell short or a
// benchmark failed to run.
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openServer } from './support/database.ts';
import { type BenchResult, RESULT_PREFIX } from './support/report.ts';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const SUFFIX = '.bench.ts';

async function benchmarkNames(): Promise<string[]> {
  const files = await readdir(benchDir);
  return files
    .filter((file) => file.endsWith(SUFFIX))
    .map((file) => file.slice(0, -SUFFIX.length))
    .sort();
}

function runBenchmark(name: string, serverUrl: string): Promise<{ results: BenchResult[]; exitCode: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(benchDir, name + SUFFIX)], {
      stdio: ['ignore', 'pipe', 'inherit'],
      // One PostgreSQL server for the whole run, so the seeded library is built once and shared.
      env: { ...process.env, TEST_DATABASE_URL: serverUrl },
    });
    const results: BenchResult[] = [];
    let pending = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith(RESULT_PREFIX)) results.push(JSON.parse(line.slice(RESULT_PREFIX.length)) as BenchResult);
        else process.stdout.write(`${line}\n`);
      }
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ results, exitCode: code ?? 1 }));
  });
}

const available = await benchmarkNames();
const requested = process.argv.slice(2);
const unknown = requested.filter((name) => !available.includes(name));
if (unknown.length > 0) {
  console.error(`unknown benchmark: ${unknown.join(', ')} (available: ${available.join(', ')})`);
  process.exit(2);
}
const selected = requested.length > 0 ? requested : available;
const all: BenchResult[] = [];
const failedToRun: string[] = [];
const startedAt = Date.now();
const server = await openServer();
try {
  for (const name of selected) {
    console.log(`\n=== ${name} ===`);
    const { results, exitCode } = await runBenchmark(name, server.url);
    all.push(...results);
    if (results.length === 0 || (exitCode !== 0 && results.every((result) => result.pass))) failedToRun.push(name);
  }
} finally {
  await server.close();
}
console.log(`\n=== summary (${((Date.now() - startedAt) / 1000).toFixed(0)} s) ===`);
for (const result of all) {
  console.log(
    `${result.pass ? 'PASS      ' : 'FALL SHORT'}  ${result.name}: ${result.workload} | target ${result.target} | result ${result.result} | baseline ${result.baseline}`,
  );
}
for (const name of failedToRun) console.log(`ERROR       ${name}: did not finish or printed no result`);
process.exit(all.every((result) => result.pass) && failedToRun.length === 0 ? 0 : 1);
