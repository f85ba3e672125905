// Memory of `linernotes export` and `linernotes import` on a large cache. Run: npm run bench -- snapshot
// (a few minutes; more when the shared library is seeded first).
//
// The shared seeded library (support/seed.ts: 1,000,000 artists, 300,000 albums, 500,000 tracks, so
// 1.8 million entries) is exported with the compiled CLI to a gzip snapshot, which is then imported into
// an empty database. Each command runs in its own process, whose resident set size (VmRSS) is sampled
// every 100 ms. Target: the peak of each ≤ 300 MB, whatever the cache's size (both stream). Also
// printed: entries per second and the file's size, and that the import holds as many entries as the
// source.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openEmptyDatabase, openSeededDatabase } from './support/database.ts';
import { reportBenchResult } from './support/report.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = path.join(ROOT, 'dist/src/cli.js');
const TARGET_MB = 300;
const TABLES = ['artist_cache', 'album_cache', 'track_cache', 'audio_features'] as const;

async function rssMb(pid: number): Promise<number | null> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => null);
  const match = status === null ? null : /VmRSS:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) / 1024 : null;
}

/** Runs the compiled CLI, sampling its RSS until it exits; fails on a non-zero exit. */
async function runMeasured(args: string[], databaseUrl: string): Promise<{ peakMb: number; seconds: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  let done = false;
  void exited.then(() => (done = true));
  let peakMb = 0;
  const pid = child.pid;
  if (pid === undefined) throw new Error('no pid');
  while (!done) {
    const rss = await rssMb(pid);
    if (rss !== null) peakMb = Math.max(peakMb, rss);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const code = await exited;
  if (code !== 0) throw new Error(`linernotes ${args.join(' ')} exited with ${code}:\n${output}`);
  process.stdout.write(output);
  return { peakMb, seconds: (performance.now() - started) / 1000 };
}

async function countEntries(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    let total = 0;
    for (const table of TABLES) {
      const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
      total += rows[0]?.n ?? 0;
    }
    return total;
  } finally {
    await client.end();
  }
}

const began = performance.now();
await new Promise<void>((resolve, reject) => {
  const build = spawn(process.execPath, [path.join(ROOT, 'scripts/build.mjs'), '--if-stale'], { stdio: 'inherit' });
  build.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`build exited with ${code}`))));
});
const source = await openSeededDatabase();
const target = await openEmptyDatabase();
const dir = await mkdtemp(path.join(os.tmpdir(), 'linernotes-snapshot-bench-'));
try {
  const file = path.join(dir, 'cache.snapshot.gz');
  const entries = await countEntries(source.url);
  const exported = await runMeasured(['export', file], source.url);
  const size = (await stat(file)).size / 1024 / 1024;
  const imported = await runMeasured(['import', file], target.url);
  const importedEntries = await countEntries(target.url);
  const complete = importedEntries === entries;
  const label = `${entries.toLocaleString('en-US')} entries`;
  reportBenchResult({
    name: 'snapshot-export',
    workload: `peak RSS of linernotes export, ${label} to a ${size.toFixed(0)} MB gzip file`,
    target: `≤ ${TARGET_MB} MB`,
    result: `${exported.peakMb.toFixed(0)} MB`,
    baseline: `${exported.seconds.toFixed(0)} s, ${(entries / exported.seconds).toFixed(0)} entries/s`,
    pass: exported.peakMb <= TARGET_MB,
  });
  reportBenchResult({
    name: 'snapshot-import',
    workload: `peak RSS of linernotes import of that file into an empty database (${importedEntries.toLocaleString('en-US')} entries after)`,
    target: `≤ ${TARGET_MB} MB, every entry imported`,
    result: `${imported.peakMb.toFixed(0)} MB${complete ? '' : ', entries missing'}`,
    baseline: `${imported.seconds.toFixed(0)} s, ${(entries / imported.seconds).toFixed(0)} entries/s`,
    pass: imported.peakMb <= TARGET_MB && complete,
  });
  if (exported.peakMb > TARGET_MB || imported.peakMb > TARGET_MB || !complete) process.exitCode = 1;
} finally {
  await rm(dir, { recursive: true, force: true });
  await target.close();
  await source.close();
}
console.log(`(whole benchmark: ${((performance.now() - began) / 1000).toFixed(0)} s)`);
