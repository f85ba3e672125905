// Memory of the service. Run: npm run bench -- memory (about 2 min).
//
// `linernotes serve` (API and worker) started the way `npm start` starts it (compiled JavaScript, bounded
// heap), against the simulators with a library of 20,000 artists (Last.fm at its highest configurable
// rate, MusicBrainz and Spotify off). Measures the resident set size (VmRSS) idle after start, and its
// peak while a warm of the 20,000 artists runs for WARM_SECONDS (the whole warm takes 400 s at Last.fm's
// 50 requests/s, longer than the benchmark budget; the Plex listing of all 20,000 artists, the largest
// single allocation, comes first). Targets: idle ≤ 150 MB, peak ≤ 250 MB. Baseline in the same run: the
// same service run from the TypeScript sources through tsx, as `npm start` did before.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSimulators } from '../src/simulators/index.ts';
import { openEmptyDatabase } from './support/database.ts';
import { type ChildServer, startService } from './support/processes.ts';
import { reportBenchResult } from './support/report.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ARTISTS = 20_000;
const IDLE_SECONDS = 5;
const WARM_SECONDS = 30;
const IDLE_TARGET_MB = 150;
const PEAK_TARGET_MB = 250;

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  if (!match) throw new Error(`no VmRSS for ${pid}`);
  return Number(match[1]) / 1024;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function measure(
  entry: string[],
  env: Record<string, string>,
): Promise<{ idle: number; peak: number; warmed: number }> {
  const db = await openEmptyDatabase();
  let service: ChildServer | undefined;
  try {
    service = await startService({ databaseUrl: db.url, entry, env });
    const pid = service.process.pid;
    if (pid === undefined) throw new Error('no pid');
    await sleep(IDLE_SECONDS * 1000);
    const idle = await rssMb(pid);
    const response = await fetch(`${service.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'mutation { warmArtistCache(input: { concurrency: 8 }) { id status } }' }),
    });
    const body = (await response.json()) as { data?: { warmArtistCache?: { id: string } }; errors?: unknown };
    if (!body.data?.warmArtistCache) throw new Error(`could not start the warm: ${JSON.stringify(body.errors)}`);
    let peak = idle;
    const until = Date.now() + WARM_SECONDS * 1000;
    while (Date.now() < until) {
      peak = Math.max(peak, await rssMb(pid));
      await sleep(200);
    }
    const progress = await fetch(`${service.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ jobRun(id: "${body.data.warmArtistCache.id}") { progress { current } } }` }),
    });
    const progressBody = (await progress.json()) as { data?: { jobRun?: { progress: { current: number } } } };
    return { idle, peak, warmed: progressBody.data?.jobRun?.progress.current ?? -1 };
  } finally {
    await service?.stop();
    await db.close();
  }
}

const began = performance.now();
const simulators = await startSimulators({
  seed: 2026,
  artists: ARTISTS,
  lastfm: { quirks: { rateLimit: undefined } },
});
try {
  const env = {
    PLEX_URL: simulators.env.PLEX_URL,
    PLEX_TOKEN: simulators.env.PLEX_TOKEN,
    LASTFM_API_URL: simulators.env.LASTFM_API_URL,
    LASTFM_API_KEY: simulators.env.LASTFM_API_KEY,
    LASTFM_RPS: '50',
    MUSICBRAINZ_ENABLED: 'false',
  };
  // npm start: compiled JavaScript with a bounded heap (package.json's start script).
  const packageJson = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as {
    scripts: { start: string };
  };
  const startCommand = packageJson.scripts.start.split('&&').pop() ?? '';
  const startFlags = (/node (.*?) dist\/src\/cli\.js/.exec(startCommand)?.[1] ?? '').split(' ').filter(Boolean);
  // `env NAME=value … node`: the variables it sets for Node (glibc's malloc arenas).
  const startEnv = Object.fromEntries(
    [...(/\benv ((?:\w+=\S+ )+)node /.exec(startCommand)?.[1] ?? '').matchAll(/(\w+)=(\S+)/g)].map((match) => [
      match[1] ?? '',
      match[2] ?? '',
    ]),
  );
  const compiled = await measure([...startFlags, path.join(ROOT, 'dist/src/cli.js')], { ...env, ...startEnv });
  const sources = await measure(['--import', 'tsx', path.join(ROOT, 'src/cli.ts')], env);
  const idlePass = compiled.idle <= IDLE_TARGET_MB;
  const peakPass = compiled.peak <= PEAK_TARGET_MB;
  reportBenchResult({
    name: 'memory-idle',
    workload: 'RSS of serve (API and worker) idle after start',
    target: `≤ ${IDLE_TARGET_MB} MB`,
    result: `${compiled.idle.toFixed(0)} MB`,
    baseline: `from sources through tsx ${sources.idle.toFixed(0)} MB`,
    pass: idlePass,
  });
  reportBenchResult({
    name: 'memory-warm',
    workload: `peak RSS of serve over the first ${WARM_SECONDS} s warming ${ARTISTS.toLocaleString('en-US')} artists (${compiled.warmed} warmed)`,
    target: `≤ ${PEAK_TARGET_MB} MB`,
    result: `${compiled.peak.toFixed(0)} MB`,
    baseline: `from sources through tsx ${sources.peak.toFixed(0)} MB (${sources.warmed} warmed)`,
    pass: peakPass,
  });
  if (!idlePass || !peakPass) process.exitCode = 1;
} finally {
  await simulators.close();
}
console.log(`(whole benchmark: ${((performance.now() - began) / 1000).toFixed(0)} s)`);
