// Warm pacing: how close a first warm comes to the time the providers' rate limits force.
// Run: npm run bench -- warm-pacing (about 7 minutes on 2 cores).
//
// 400 artists against the simulators with round trips shaped like the real services' (Last.fm 100–300 ms,
// MusicBrainz 150–450 ms, Spotify 80–250 ms, Plex 10–50 ms), a Last.fm that accepts 8 requests in any
// second (LASTFM_RPS=8), MusicBrainz its real 1 per second, and everything else at the default settings
// (CACHE_WARM_CONCURRENCY included). The baseline is the floor: the useful requests each rate-limited
// provider had to answer divided by its rate, the largest of them; no warm can be faster. Refused
// requests are not useful: they count against the target twice, as time and as refusals.
// Target: ≤ 1.1 × the floor and no refused request, median of the repetitions. Measured twice: as
// described (MusicBrainz, the slow fallback, is the busiest provider), and with MusicBrainz off (Last.fm
// is, and the warm's concurrency decides whether its budget is kept busy). Exits 1 when a target is missed.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseConfig } from '../src/config.ts';
import { connectDatabase } from '../src/db/database.ts';
import { databaseUrl, startEmbeddedPostgres } from '../src/db/embedded-postgres.ts';
import { migrateDatabase } from '../src/db/migrator.ts';
import { startDemoSimulators } from '../src/demo/demo-simulators.ts';
import { runJobNow } from '../src/jobs/start-job.ts';
import { silentLogger } from '../src/logger.ts';
import { startProcessRuntime } from '../src/process-runtime.ts';
import type { LoggedRequest } from '../src/simulators/request-log.ts';
import type { ProviderName } from '../src/types.ts';
import { median, reportBenchResult } from './support/report.ts';
import { admin } from './support/database.ts';

const ARTISTS = 400;
// Each repetition is a whole warm (about 150 s with MusicBrainz, 55 s without); two keep the suite short.
const REPETITIONS = Number(process.env.WARM_PACING_REPETITIONS ?? 2);
const TARGET = 1.1;
const LASTFM_RPS = 8;
const RATES: Partial<Record<ProviderName, number>> = { lastfm: LASTFM_RPS, musicbrainz: 1, spotify: 2 };
const NO_SCHEDULES = {
  CACHE_WARM_CRON: 'off',
  CACHE_REFRESH_CRON: 'off',
  TRACK_CACHE_REFRESH_CRON: 'off',
  TRACK_STATIC_REFRESH_CRON: 'off',
  AUDIO_FEATURES_CRON: 'off',
};

/** A refusal by a provider's rate limiter, in each provider's way of saying it. */
function refused(entry: LoggedRequest): boolean {
  return entry.note === 'rate-limited' || entry.note === 'quota-exceeded';
}

interface Repetition {
  seconds: number;
  floorSeconds: number;
  refusals: number;
  refusedBy: Partial<Record<ProviderName, number>>;
  useful: Partial<Record<ProviderName, number>>;
  bottleneck: ProviderName;
}

async function repetition(serverUrl: string, index: number, musicbrainz: boolean): Promise<Repetition> {
  const name = `linernotes_bench_pacing_${process.pid}_${index}_${musicbrainz ? 'mb' : 'nomb'}`;
  await admin(serverUrl, `CREATE DATABASE ${name}`);
  const url = databaseUrl(serverUrl, name);
  const sims = await startDemoSimulators({ artists: ARTISTS, seed: 20 + index });
  sims.lastfm.setQuirks({ rateLimit: { limit: LASTFM_RPS, windowMs: 1000 } });
  const db = connectDatabase(url, silentLogger(), 10);
  try {
    await migrateDatabase(url, silentLogger());
    const config = parseConfig({
      ...sims.env,
      ...NO_SCHEDULES,
      DATABASE_URL: url,
      LASTFM_RPS: String(LASTFM_RPS),
      MUSICBRAINZ_ENABLED: String(musicbrainz),
      LOG_LEVEL: 'silent',
    });
    const runtime = await startProcessRuntime({ config, db, logger: silentLogger() });
    try {
      // The Spotify capability probe at start is not part of the warm.
      const since = Date.now() + 1;
      await new Promise((resolve) => setTimeout(resolve, 5));
      const started = performance.now();
      const outcome = await runJobNow(runtime, 'cache-warm', {});
      const seconds = (performance.now() - started) / 1000;
      if (outcome.outcome !== 'finished' || outcome.run.status !== 'succeeded')
        throw new Error(`the warm did not succeed: ${JSON.stringify(outcome)}`);
      const entries = sims.log.filter({ since });
      const useful: Partial<Record<ProviderName, number>> = {};
      let floorSeconds = 0;
      let bottleneck: ProviderName = 'lastfm';
      for (const [provider, rate] of Object.entries(RATES) as Array<[ProviderName, number]>) {
        // Spotify's token endpoint is another service, not under the API's rate.
        const count = entries.filter(
          (entry) => entry.provider === provider && !refused(entry) && entry.path !== '/api/token',
        ).length;
        useful[provider] = count;
        if (count / rate > floorSeconds) {
          floorSeconds = count / rate;
          bottleneck = provider;
        }
      }
      const refusedBy: Partial<Record<ProviderName, number>> = {};
      for (const entry of entries.filter(refused)) refusedBy[entry.provider] = (refusedBy[entry.provider] ?? 0) + 1;
      return { seconds, floorSeconds, refusals: entries.filter(refused).length, refusedBy, useful, bottleneck };
    } finally {
      await runtime.stop();
    }
  } finally {
    await db.close();
    await sims.close();
    await admin(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

const external = process.env.TEST_DATABASE_URL;
const dir = external ? undefined : await mkdtemp(path.join(os.tmpdir(), 'linernotes-bench-'));
if (dir) await chmod(dir, 0o755);
const embedded = dir ? await startEmbeddedPostgres(dir, silentLogger()) : undefined;
const serverUrl = external ?? embedded?.serverUrl ?? '';
let failed = false;
try {
  for (const musicbrainz of [true, false]) {
    const runs: Repetition[] = [];
    for (let index = 0; index < REPETITIONS; index++) {
      const run = await repetition(serverUrl, index, musicbrainz);
      runs.push(run);
      console.log(
        `  ${musicbrainz ? 'with' : 'without'} MusicBrainz, run ${index + 1}: ${run.seconds.toFixed(1)} s, floor ${run.floorSeconds.toFixed(1)} s (${run.bottleneck}), ` +
          `${(run.seconds / run.floorSeconds).toFixed(3)} × floor, ${run.refusals} refused ${JSON.stringify(run.refusedBy)}; useful requests ${JSON.stringify(run.useful)}`,
      );
    }
    const ratio = median(runs.map((run) => run.seconds / run.floorSeconds));
    const floor = median(runs.map((run) => run.floorSeconds));
    const pass = ratio <= TARGET && runs.every((run) => run.refusals === 0);
    if (!pass) failed = true;
    reportBenchResult({
      name: musicbrainz ? 'warm-pacing' : 'warm-pacing-lastfm',
      workload: `cache-warm of ${ARTISTS} artists, Last.fm ${LASTFM_RPS}/s, ${musicbrainz ? 'MusicBrainz 1/s' : 'MusicBrainz off'}, real latencies, default settings, median of ${REPETITIONS}`,
      target: `≤ ${TARGET} × floor, 0 refusals`,
      result: `${ratio.toFixed(3)} × floor, ${Math.max(...runs.map((run) => run.refusals))} refusals at most`,
      baseline: `floor ${floor.toFixed(1)} s (useful requests / rate of the busiest provider)`,
      pass,
    });
  }
} finally {
  await embedded?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
