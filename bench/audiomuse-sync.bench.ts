// AudioMuse audio-features sync of a 20,000-track library. Run: npm run bench -- audiomuse-sync (about 1.5 min).
//
// The real job (audio-features-sync) against two AudioMuse simulators over HTTP on the same cached tracks, in
// the same run: one with the sync API (manifest, then rows 500 a request) and, as the baseline, one from
// before it (one get_score per track). Measured: requests (target: at most tracks/1000 + tracks/500 + 2 for
// a first sync, only the manifest for a sync where nothing changed) and wall time of a first sync
// (target ≤ 0.25 × the get_score baseline; a ratio, so that it means the same on any machine).
// Exits with 1 when a target is missed.
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { parseConfig } from '../src/config.ts';
import { connectDatabase } from '../src/db/database.ts';
import { databaseUrl } from '../src/db/embedded-postgres.ts';
import { migrateDatabase } from '../src/db/migrator.ts';
import { runJobNow } from '../src/jobs/start-job.ts';
import { silentLogger } from '../src/logger.ts';
import { startProcessRuntime } from '../src/process-runtime.ts';
import { startAudioMuseSimulator } from '../src/simulators/audiomuse.ts';
import { createLibrary } from '../src/simulators/library.ts';
import { RequestLog } from '../src/simulators/request-log.ts';
import { reportBenchResult } from './support/report.ts';
import { openServer } from './support/database.ts';

const TRACKS = 20_000;
const TIME_TARGET = 0.25;

const library = createLibrary({ seed: 5, tracks: TRACKS, specialNames: false });
const server = await openServer();
const name = `linernotes_bench_audiomuse_${process.pid}`;
const admin = new pg.Client({ connectionString: server.url });
await admin.connect();
await admin.query(`CREATE DATABASE ${name}`);
await admin.end();
const url = databaseUrl(server.url, name);
await migrateDatabase(url, silentLogger());
const db = connectDatabase(url, silentLogger());
let failed = false;

try {
  const tracks = [...library.tracks()].map((track) => ({
    rating_key: track.ratingKey,
    title: track.title,
    artist_name: track.artistName,
  }));
  await db.pool.query(
    `INSERT INTO track_cache (rating_key, title, artist_name, artist_key, static_expires_at, stats_expires_at)
     SELECT r.rating_key, r.title, r.artist_name, lower(r.artist_name), now() + interval '90 days', now() + interval '1 day'
       FROM jsonb_to_recordset($1::jsonb) AS r(rating_key text, title text, artist_name text)`,
    [JSON.stringify(tracks)],
  );

  const measure = async (syncApi: boolean) => {
    const log = new RequestLog();
    const audiomuse = await startAudioMuseSimulator({ library, log, syncApi });
    const config = parseConfig({
      DATABASE_URL: url,
      AUDIOMUSE_URL: audiomuse.url,
      AUDIOMUSE_TOKEN: audiomuse.token ?? '',
    });
    const runtime = await startProcessRuntime({ config, db, logger: silentLogger() });
    try {
      await db.pool.query('TRUNCATE audio_features');
      const start = performance.now();
      const first = await runJobNow(runtime, 'audio-features-sync', {});
      const elapsed = performance.now() - start;
      if (first.outcome !== 'finished' || first.run.status !== 'succeeded')
        throw new Error(`first sync: ${JSON.stringify(first)}`);
      const firstRequests = log.count();
      log.clear();
      await runJobNow(runtime, 'audio-features-sync', {});
      const { rows } = await db.pool.query<{ count: number }>('SELECT count(*)::int AS count FROM audio_features');
      return { elapsed, firstRequests, againRequests: log.count(), stored: rows[0]?.count ?? 0 };
    } finally {
      await runtime.stop();
      await audiomuse.close();
    }
  };

  const baseline = await measure(false);
  const sync = await measure(true);
  const analysed = sync.stored;
  const requestTarget = Math.ceil(TRACKS / 1000) + Math.ceil(TRACKS / 500) + 2;
  const manifestPages = Math.ceil(analysed / 1000);
  const results = [
    {
      name: 'audiomuse-sync',
      workload: `first audio-features sync, ${TRACKS.toLocaleString('en-US')} tracks (${analysed.toLocaleString('en-US')} analysed)`,
      target: `≤ ${requestTarget} requests`,
      result: `${sync.firstRequests} requests`,
      baseline: `get_score: ${baseline.firstRequests} requests`,
      pass: sync.firstRequests <= requestTarget && sync.stored === baseline.stored,
    },
    {
      name: 'audiomuse-sync',
      workload: `audio-features sync with nothing changed, ${TRACKS.toLocaleString('en-US')} tracks`,
      target: `${manifestPages} requests (the manifest)`,
      result: `${sync.againRequests} requests`,
      baseline: `get_score: ${baseline.againRequests} requests`,
      pass: sync.againRequests === manifestPages,
    },
    {
      name: 'audiomuse-sync',
      workload: `first audio-features sync, ${TRACKS.toLocaleString('en-US')} tracks, wall time`,
      target: `≤ ${TIME_TARGET} × baseline`,
      result: `${(sync.elapsed / 1000).toFixed(2)} s (${(sync.elapsed / baseline.elapsed).toFixed(3)} × baseline)`,
      baseline: `get_score ${(baseline.elapsed / 1000).toFixed(2)} s`,
      pass: sync.elapsed <= TIME_TARGET * baseline.elapsed,
    },
  ];
  for (const result of results) {
    reportBenchResult(result);
    if (!result.pass) failed = true;
  }
} finally {
  await db.close();
  const cleanup = new pg.Client({ connectionString: server.url });
  await cleanup.connect();
  await cleanup.query(`DROP DATABASE IF EXISTS ${name}`);
  await cleanup.end();
  await server.close();
}
process.exit(failed ? 1 : 0);
