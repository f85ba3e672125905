// PostgreSQL stopped for ten seconds in the middle of a warm, with readers on the API: the process
// (API and worker in one, as `linernotes serve` runs) keeps running, readers get UNAVAILABLE while it
// is down and answers once it is back, and the warm resumes and completes without help.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseUrl, type EmbeddedDatabase, startEmbeddedPostgres } from '../../src/db/embedded-postgres.ts';
import { prepareDatabase } from '../../src/db/prepare-database.ts';
import { silentLogger } from '../../src/logger.ts';
import { startSimulators, type Simulators } from '../../src/simulators/index.ts';
import { type RunningCli, startCli } from '../support/cli.ts';
import { httpQuery } from '../support/graphql-clients.ts';
import { NO_SCHEDULES } from '../support/no-schedules.ts';
import { printFigures } from './support/figures.ts';

const ARTISTS = 100;
const OUTAGE_MS = 10_000;
const READERS = 4;

interface StoredRow {
  name_key: string;
  created_at: Date;
  updated_at: Date;
}

async function storedRows(url: string): Promise<StoredRow[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (
      await client.query<StoredRow>('SELECT name_key, created_at, updated_at FROM artist_cache ORDER BY name_key')
    ).rows;
  } finally {
    await client.end();
  }
}

describe('a database restart during a warm', () => {
  let dataDir: string;
  let embedded: EmbeddedDatabase;
  let sims: Simulators;
  let url: string;
  let service: RunningCli | undefined;
  const logger = silentLogger();

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'linernotes-restart-'));
    await chmod(dataDir, 0o755);
    embedded = await startEmbeddedPostgres(dataDir, logger);
    const admin = new pg.Client({ connectionString: embedded.serverUrl });
    await admin.connect();
    await admin.query('CREATE DATABASE linernotes');
    await admin.end();
    url = databaseUrl(embedded.serverUrl, 'linernotes');
    await prepareDatabase(url, logger);
    sims = await startSimulators({ seed: 1406, artists: ARTISTS, specialNames: false });
    const rule = { limit: 200, windowMs: 1_000 };
    sims.lastfm.setQuirks({ rateLimit: rule });
    sims.spotify.setQuirks({ rateLimit: rule });
    sims.musicbrainz.setQuirks({ rateLimit: rule });
    sims.lastfm.faults.set({ latencyMs: [100, 200], seed: 1406 });
  }, 90_000);

  afterAll(async () => {
    if (service && service.child.exitCode === null) service.child.kill('SIGKILL');
    await service?.exited;
    await sims?.close();
    await embedded?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps the process running, answers UNAVAILABLE while down, and finishes the warm once it is back', async () => {
    service = startCli(['serve'], {
      env: {
        ...sims.env,
        ...NO_SCHEDULES,
        DATABASE_URL: url,
        PORT: '0',
        LASTFM_RPS: '40',
        SPOTIFY_RPS: '40',
        MUSICBRAINZ_RPS: '40',
      },
      cwd: dataDir,
    });
    const [, apiUrl = ''] = await service.waitForOutput(/"url":"(http:\/\/[^"]+)\/graphql"/);
    await service.waitForOutput(/Worker connected/);

    const started = await httpQuery<{ warmArtistCache: { id: string } }>(
      apiUrl,
      'mutation { warmArtistCache(input: { concurrency: 2 }) { id } }',
    );
    const runId = started.data?.warmArtistCache.id ?? '';
    expect(runId).not.toBe('');
    const runQuery = `{ jobRun(id: "${runId}") { status progressCurrent attempt } }`;
    type RunAnswer = { jobRun: { status: string; progressCurrent: number; attempt: number } | null };

    // Readers during the whole scenario: every answer is data, or UNAVAILABLE while the database is down.
    const outcomes = { ok: 0, unavailable: 0, other: [] as string[] };
    let reading = true;
    let firstOkAfterRestart: number | undefined;
    let restartedAt: number | undefined;
    let stoppedAt: number | undefined;
    // The readers that got an UNAVAILABLE answer (not a hang) while the database was down.
    const answeredWhileDown = new Set<number>();
    const readers = Array.from({ length: READERS }, async (_, reader) => {
      while (reading) {
        try {
          const answer = await httpQuery(apiUrl, reader % 2 === 0 ? '{ artists(first: 5) { totalCount } }' : runQuery);
          if (answer.errors?.length) {
            const codes = answer.errors.map((error) => error.extensions?.code);
            if (
              codes.every((code) => code === 'UNAVAILABLE') &&
              answer.errors.every((error) => typeof error.extensions?.retryAfterSeconds === 'number')
            ) {
              outcomes.unavailable += 1;
              if (stoppedAt !== undefined && restartedAt === undefined) answeredWhileDown.add(reader);
            } else outcomes.other.push(JSON.stringify(answer.errors));
          } else {
            outcomes.ok += 1;
            if (restartedAt !== undefined && firstOkAfterRestart === undefined)
              firstOkAfterRestart = Date.now() - restartedAt;
          }
        } catch (error) {
          outcomes.other.push(String(error));
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    });

    const progress = async () => (await httpQuery<RunAnswer>(apiUrl, runQuery)).data?.jobRun;
    await expect
      .poll(async () => (await progress())?.progressCurrent ?? 0, { timeout: 60_000, interval: 100 })
      .toBeGreaterThanOrEqual(15);
    const committedBefore = Number(
      (await httpQuery<{ artists: { totalCount: number } }>(apiUrl, '{ artists(first: 1) { totalCount } }')).data
        ?.artists.totalCount ?? 0,
    );

    // What was committed when the database went down: every row of it must be there afterwards, as it was.
    const committed = await storedRows(url);
    const port = Number(new URL(embedded.serverUrl).port);
    await embedded.stop();
    stoppedAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
    expect(service.child.exitCode).toBeNull();
    embedded = await startEmbeddedPostgres(dataDir, logger, { port });
    restartedAt = Date.now();

    await expect
      .poll(async () => (await progress().catch(() => undefined))?.status, { timeout: 120_000, interval: 250 })
      .toBe('SUCCEEDED');
    reading = false;
    await Promise.all(readers);
    const finished = await progress();

    expect(service.child.exitCode).toBeNull();
    expect(outcomes.other).toEqual([]);
    expect(outcomes.unavailable).toBeGreaterThan(0);
    expect(answeredWhileDown.size).toBe(READERS);
    expect(firstOkAfterRestart).toBeDefined();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const runs = await client.query<{ status: string }>('SELECT status::text AS status FROM job_runs');
    await client.end();
    const stored = await storedRows(url);
    expect(stored).toHaveLength(ARTISTS);
    expect(runs.rows).toEqual([{ status: 'succeeded' }]);
    // No committed entry lost or written again: each is there with the times it had before the outage.
    expect(committed.length).toBeGreaterThan(0);
    const after = new Map(stored.map((row) => [row.name_key, row]));
    expect(committed.filter((row) => JSON.stringify(after.get(row.name_key)) !== JSON.stringify(row))).toEqual([]);
    // Nor any other entry stored twice: the resumed warm skipped what was stored.
    expect(stored.filter((row) => row.updated_at.getTime() !== row.created_at.getTime())).toEqual([]);
    // The cause is fixed, not only caught: no rejection went unhandled in the process.
    expect(service.output()).not.toContain('unhandled promise rejection');

    service.child.kill('SIGTERM');
    expect((await service.exited).code).toBe(0);
    printFigures('database restart', {
      artists: ARTISTS,
      outageMs: restartedAt - stoppedAt,
      committedBeforeOutage: committedBefore,
      committedAtStop: committed.length,
      readsOk: outcomes.ok,
      readsUnavailable: outcomes.unavailable,
      readsOther: outcomes.other.length,
      firstAnswerAfterRestartMs: firstOkAfterRestart ?? -1,
      runAttempts: finished?.attempt ?? 0,
    });
  }, 240_000);
});
