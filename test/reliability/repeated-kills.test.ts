// A scheduled warm of 300 artists, and the album warm it queues, whose `linernotes worker` is SIGKILLed
// at random moments spread over both (five kills during the artists, two during the albums), a new
// worker started after each: both runs end succeeded, every artist and album is stored once with the
// data a warm without kills stores, nothing is left running, and a provider is asked again only about
// the entities in flight at a kill.
// The kill moments come from a seeded generator. The seed is printed first; RELIABILITY_KILL_SEED=<n>
// replays a failure with the same kill moments.
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { albumKeyOf, albumKeyString } from '../../src/cache/policy/entry-keys.ts';
import { parseConfig } from '../../src/config.ts';
import { normaliseNameKey } from '../../src/enrichment/text-keys.ts';
import { runJobNow } from '../../src/jobs/start-job.ts';
import { runResumePoint } from '../../src/jobs/engine/resume-point.ts';
import type { JobRunRecord } from '../../src/jobs/engine/runs/run-fields.ts';
import { silentLogger } from '../../src/logger.ts';
import { startProcessRuntime } from '../../src/process-runtime.ts';
import type { LoggedRequest } from '../../src/simulators/request-log.ts';
import { openTestDatabase } from '../support/database.ts';
import { type Harness, startHarness } from '../support/harness.ts';
import type { RunningCli } from '../support/cli.ts';
import { printFigures } from './support/figures.ts';
import { type WorkerFleet, workerFleet } from './support/workers.ts';

const ARTISTS = 300;
const CONCURRENCY = 3;
const SEED = Number(process.env.RELIABILITY_KILL_SEED ?? 1405);
// Fast providers (the simulators' limits raised to match), so that the scenario is about kills, not
// rate limits; the same concurrency for both warms, so at most that many entities wait on Last.fm at a kill.
const WORKER_ENV = {
  LASTFM_RPS: '200',
  SPOTIFY_RPS: '200',
  MUSICBRAINZ_RPS: '200',
  WORKER_STALE_SECONDS: '2',
  CACHE_WARM_CONCURRENCY: String(CONCURRENCY),
  ALBUM_WARM_CONCURRENCY: String(CONCURRENCY),
};

type Kind = 'cache-warm' | 'cache-warm-albums';
interface Phase {
  kind: Kind;
  table: 'artist_cache' | 'album_cache';
  /** Entries the warm stores when it is done. */
  total: number;
  kills: number;
}

/** A small seeded generator: the kill moments differ between kills but are the same on every run of a seed. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * Where each kill of a phase lands, as a count of entries stored: one random point in each of `kills`
 * equal slices of the warm, so the kills are spread over all of it. The last tenth is left out, so
 * that the warm is still going when the kill lands (on a busy machine the poll sees the count late).
 */
function killPoints(random: () => number, total: number, kills: number): number[] {
  const span = total - Math.max(2 * CONCURRENCY + 5, Math.ceil(total / 10));
  return Array.from({ length: kills }, (_, slice) => {
    const from = Math.floor((span * slice) / kills);
    const to = Math.floor((span * (slice + 1)) / kills);
    return from + Math.floor(random() * (to - from));
  });
}

/** The entity a Last.fm request is about, with the method: every entity is asked each method once per attempt. */
function lastfmAsk(entry: LoggedRequest): string | undefined {
  const artist = entry.query.artist;
  if (entry.provider !== 'lastfm' || artist === undefined) return undefined;
  const method = (entry.query.method ?? '').toLowerCase();
  if (method.startsWith('album.')) {
    const key = albumKeyOf(artist, entry.query.album ?? '');
    return key === null ? undefined : `${method} ${albumKeyString(key)}`;
  }
  return `${method} ${normaliseNameKey(artist) ?? ''}`;
}

/** The stored entries, by the key lastfmAsk names them with. */
async function storedKeys(pool: pg.Pool): Promise<Set<string>> {
  const artists = await pool.query<{ key: string }>(`SELECT name_key AS key FROM artist_cache`);
  const albums = await pool.query<{ artist_key: string; title_key: string }>(
    `SELECT artist_key, title_key FROM album_cache`,
  );
  return new Set([
    ...artists.rows.map((row) => row.key),
    ...albums.rows.map((row) => albumKeyString({ artistKey: row.artist_key, titleKey: row.title_key })),
  ]);
}

function entityOf(ask: string): string {
  return ask.slice(ask.indexOf(' ') + 1);
}

async function count(pool: pg.Pool, table: Phase['table']): Promise<number> {
  return Number((await pool.query(`SELECT count(*) FROM ${table}`)).rows[0].count);
}

async function runOf(harness: Harness, kind: Kind): Promise<JobRunRecord | undefined> {
  return (await harness.db.prisma.jobRun.findFirst({ where: { kind }, orderBy: { id: 'asc' } })) ?? undefined;
}

/** The kind of the run this worker process holds `running`, if any (worker_processes records its pid). */
async function heldBy(pool: pg.Pool, worker: RunningCli): Promise<string | undefined> {
  const { rows } = await pool.query<{ kind: string }>(
    `SELECT r.kind FROM job_runs r JOIN worker_processes p ON p.id = r.owner_process_id
      WHERE r.status = 'running' AND p.pid = $1`,
    [worker.child.pid],
  );
  return rows[0]?.kind;
}

const STORED_ARTISTS = `SELECT name_key, genres, styles, moods, source, status::text AS status, musicbrainz_id
  FROM artist_cache ORDER BY name_key`;
const STORED_ALBUMS = `SELECT artist_key, title_key, genres, styles, moods, source, status::text AS status, musicbrainz_id
  FROM album_cache ORDER BY artist_key, title_key`;
const REWRITES = (table: Phase['table']) =>
  `SELECT count(*)::int AS total, count(*) FILTER (WHERE updated_at <> created_at)::int AS rewritten FROM ${table}`;

describe('a scheduled warm of 300 artists whose worker is killed at random moments', () => {
  let harness: Harness;
  let fleet: WorkerFleet;

  beforeAll(async () => {
    harness = await startHarness({ sims: { seed: 1405, artists: ARTISTS, specialNames: false }, env: WORKER_ENV });
    const rule = { limit: 400, windowMs: 1_000 };
    harness.sims.lastfm.setQuirks({ rateLimit: rule });
    harness.sims.spotify.setQuirks({ rateLimit: rule });
    harness.sims.musicbrainz.setQuirks({ rateLimit: rule });
    // Slow enough that every kill finds entities in flight, fast enough that 300 artists take seconds.
    harness.sims.lastfm.faults.set({ latencyMs: [5, 25], seed: 1405 });
    fleet = await workerFleet(harness.env);
  }, 60_000);

  afterAll(async () => {
    await fleet?.close();
    await harness?.close();
  });

  it('ends with both runs succeeded, every entry stored once as a warm without kills stores it', async () => {
    process.stdout.write(`[reliability] repeated kills: seed=${SEED} (RELIABILITY_KILL_SEED replays it)\n`);
    // What each worker logged, for the failure at hand (a run restarted without a kill shows here).
    onTestFailed(() => {
      fleet.outputs().forEach((output, index) => {
        process.stdout.write(`[reliability] worker ${index + 1} of the repeated kills:\n${output}\n`);
      });
    });
    const { pool } = harness.db;
    const random = seededRandom(SEED);
    const startedAt = Date.now();
    const albumKeys = new Set(
      [...harness.sims.library.albums()].flatMap((album) => {
        const key = albumKeyOf(album.artistName, album.title);
        return key === null ? [] : [albumKeyString(key)];
      }),
    );
    const phases: Phase[] = [
      { kind: 'cache-warm', table: 'artist_cache', total: ARTISTS, kills: 5 },
      { kind: 'cache-warm-albums', table: 'album_cache', total: albumKeys.size, kills: 2 },
    ];
    const logStart = harness.sims.log.entries.length;

    // What graphile-worker's crontab adds at the scheduled time (with the crontab's attempts).
    await pool.query(`SELECT graphile_worker.add_job('cache-warm', '{"trigger":"schedule"}'::json, max_attempts => 5)`);

    interface Kill {
      phase: Kind;
      target: number;
      /** Entries of the warm it hit stored at the kill. */
      stored: number;
      /** What the killed worker held: the run's kind, attempt, persisted progress and resume offset. */
      held: { kind: string; attempt: number; progress: number; resumeAt: number } | undefined;
      /** Entities the killed worker had asked Last.fm about and not stored. */
      inFlight: Set<string>;
    }
    const kills: Kill[] = [];
    // Per kill: milliseconds from the worker's start to its claim, then from its claim to the kill.
    const timings: string[] = [];
    let askedFrom = logStart;
    for (const phase of phases) {
      for (const target of killPoints(random, phase.total, phase.kills)) {
        const worker = fleet.start();
        const spawnedAt = Date.now();
        let claimedAt: number | undefined;
        // This worker has claimed a run of the phase's kind, and stored the phase's entries up to the point
        // (or the phase's run is already over, when a busy machine made the poll late: the kill then lands
        // on whatever the worker holds, and the assertions below count the kills by what they hit).
        await expect
          .poll(
            async () => {
              const held = (await heldBy(pool, worker)) === phase.kind;
              if (held) claimedAt ??= Date.now();
              if (held && (await count(pool, phase.table)) >= target) return true;
              return (await runOf(harness, phase.kind))?.status === 'succeeded';
            },
            {
              timeout: 120_000,
              interval: 10,
              message: `seed ${SEED}: kill ${kills.length + 1} at ${phase.kind} ${target}`,
            },
          )
          .toBe(true);
        timings.push(`${(claimedAt ?? 0) - spawnedAt}+${Date.now() - (claimedAt ?? 0)}`);
        await fleet.kill(worker);
        const [held, keys] = await Promise.all([
          pool.query<{ kind: string; attempt: number; progress_current: number; resume_point: unknown }>(
            `SELECT kind, attempt, progress_current, resume_point FROM job_runs WHERE status = 'running'`,
          ),
          storedKeys(pool),
        ]);
        // No worker is alive now: every request the killed one sent is in the log.
        const asked = harness.sims.log.entries.slice(askedFrom);
        askedFrom += asked.length;
        const inFlight = new Set(
          asked.flatMap((entry) => {
            const ask = lastfmAsk(entry);
            return ask === undefined || keys.has(entityOf(ask)) ? [] : [entityOf(ask)];
          }),
        );
        const row = held.rows[0];
        const stored = await count(pool, row?.kind === 'cache-warm-albums' ? 'album_cache' : 'artist_cache');
        kills.push({
          phase: phase.kind,
          target,
          stored,
          held: row && {
            kind: row.kind,
            attempt: row.attempt,
            progress: row.progress_current,
            resumeAt: runResumePoint({ resumePoint: row.resume_point as never })?.offset ?? 0,
          },
          inFlight,
        });
      }
    }

    const last = fleet.start();
    await expect
      .poll(async () => (await runOf(harness, 'cache-warm-albums'))?.status, { timeout: 120_000, interval: 200 })
      .toBe('succeeded');
    const scenarioLog = harness.sims.log.entries.slice(logStart);
    const failureContext = `seed ${SEED}, kills ${JSON.stringify(kills.map(({ inFlight, ...kill }) => kill))}`;

    // Every kill hit a running warm, and each cost the run it hit one attempt, no more.
    for (const kill of kills) expect(kill.held, failureContext).toBeDefined();
    const hit = (kind: Kind) => kills.filter((kill) => kill.held?.kind === kind);
    const runs = await pool.query(`SELECT kind, trigger::text, status::text, attempt, error FROM job_runs ORDER BY id`);
    expect(runs.rows, failureContext).toEqual(
      phases.map((phase) => ({
        kind: phase.kind,
        trigger: 'schedule',
        status: 'succeeded',
        attempt: hit(phase.kind).length + 1,
        error: null,
      })),
    );
    // Both warms were killed, the album warm included.
    for (const phase of phases) expect(hit(phase.kind).length, failureContext).toBeGreaterThan(0);
    for (const phase of phases) {
      const run = await runOf(harness, phase.kind);
      expect(run?.progressCurrent, phase.kind).toBe(run?.progressTotal);
      // Stored once: a resumed attempt skips what an earlier one wrote (created_at = updated_at).
      expect((await pool.query(REWRITES(phase.table))).rows[0], phase.kind).toEqual({
        total: phase.total,
        rewritten: 0,
      });
      // The progress persisted at the kills never went back.
      const progress = hit(phase.kind).map((kill) => kill.held?.progress ?? -1);
      expect(progress, phase.kind).toEqual([...progress].sort((a, b) => a - b));
    }

    // Each resumed attempt listed Plex from the resume point its predecessor left, not from page 1.
    const listingStarts = (type: string) =>
      scenarioLog
        .filter((entry) => entry.provider === 'plex' && /\/all$/.test(entry.path) && entry.query.type === type)
        .map((entry) => Number(entry.query['X-Plex-Container-Start'] ?? 0));
    const listed = { 'cache-warm': listingStarts('8'), 'cache-warm-albums': listingStarts('9') };
    for (const phase of phases) {
      for (const kill of hit(phase.kind)) {
        expect(listed[phase.kind], failureContext).toContain(kill.held?.resumeAt);
        // Past the first fifth of a warm, the resume point is past the start (it is persisted every tenth).
        if (kill.stored >= phase.total / 5) expect(kill.held?.resumeAt, failureContext).toBeGreaterThan(0);
      }
    }

    // Asked again only about the entities in flight at a kill: each Last.fm question once per entity,
    // a second time (or more) only for an entity a killed worker had asked about and not stored.
    const asks = new Map<string, number>();
    for (const entry of scenarioLog) {
      const ask = lastfmAsk(entry);
      if (ask !== undefined) asks.set(ask, (asks.get(ask) ?? 0) + 1);
    }
    const inFlightAtSomeKill = new Set(kills.flatMap((kill) => [...kill.inFlight]));
    const askedAgain = [...asks].filter(([, times]) => times > 1).map(([ask]) => entityOf(ask));
    for (const entity of askedAgain) expect(inFlightAtSomeKill, failureContext).toContain(entity);
    const askedEntities = new Set([...asks.keys()].map(entityOf));
    expect(askedEntities.size).toBe(ARTISTS + albumKeys.size);
    const repeatedRequests = [...asks.values()].reduce((sum, times) => sum + times - 1, 0);

    await fleet.kill(last);
    const killedSeconds = Math.round((Date.now() - startedAt) / 1000);

    // The right data: what a warm without kills stores from the same simulators.
    const killedArtists = (await pool.query(STORED_ARTISTS)).rows;
    const killedAlbums = (await pool.query(STORED_ALBUMS)).rows;
    const reference = await openTestDatabase();
    const referenceFrom = harness.sims.log.entries.length;
    try {
      const config = parseConfig({ ...harness.env, DATABASE_URL: reference.url });
      const runtime = await startProcessRuntime({ config, db: reference, logger: silentLogger() });
      try {
        for (const phase of phases) {
          const outcome = await runJobNow(runtime, phase.kind, { concurrency: 8 });
          expect(outcome.outcome === 'finished' && outcome.run.status).toBe('succeeded');
        }
      } finally {
        await runtime.stop();
      }
      expect(killedArtists).toEqual((await reference.pool.query(STORED_ARTISTS)).rows);
      expect(killedAlbums).toEqual((await reference.pool.query(STORED_ALBUMS)).rows);
    } finally {
      await reference.close();
    }
    // The requests of the whole scenario beyond what one warm without kills sends, per provider.
    const referenceLog = harness.sims.log.entries.slice(referenceFrom);
    const extra = (provider: LoggedRequest['provider']) =>
      scenarioLog.filter((entry) => entry.provider === provider).length -
      referenceLog.filter((entry) => entry.provider === provider).length;

    printFigures('repeated kills', {
      seed: SEED,
      artists: ARTISTS,
      albums: albumKeys.size,
      kills: kills.length,
      killedAtStored: kills
        .map((kill) => `${kill.held?.kind === 'cache-warm-albums' ? 'al' : 'ar'}${kill.stored}`)
        .join('/'),
      progressAtKills: kills.map((kill) => kill.held?.progress ?? -1).join('/'),
      resumedAt: kills.map((kill) => kill.held?.resumeAt ?? -1).join('/'),
      inFlightAtKills: kills.map((kill) => kill.inFlight.size).join('/'),
      entitiesAskedAgain: new Set(askedAgain).size,
      repeatedLastfmRequests: repeatedRequests,
      extraRequests: `lastfm:${extra('lastfm')},plex:${extra('plex')},musicbrainz:${extra('musicbrainz')},spotify:${extra('spotify')}`,
      secondsWithKills: killedSeconds,
      claimMsPlusWorkMs: timings.join('/'),
      seconds: Math.round((Date.now() - startedAt) / 1000),
    });
  }, 240_000);
});
