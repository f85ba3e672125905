// `linernotes export` and `linernotes import` through the real binary: a warmed cache moves to an empty
// install unchanged and without a provider request, newer entries win, an older format imports, and a
// bad file changes nothing.
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, type Database } from '../../src/db/database.ts';
import type { Queryable } from '../../src/db/queryable.ts';
import { silentLogger } from '../../src/logger.ts';
import { runCli } from '../support/cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { type Harness, startHarness } from '../support/harness.ts';

const FORMAT_1_FIXTURE = fileURLToPath(new URL('../fixtures/snapshots/format-1.ndjson', import.meta.url));

const TABLES = [
  { table: 'artist_cache', order: 'name_key' },
  { table: 'album_cache', order: 'artist_key, title_key' },
  { table: 'track_cache', order: 'rating_key' },
  { table: 'audio_features', order: 'track_rating_key' },
] as const;

/** Every row of every cache table, ids aside (local sequence numbers), in a stable order. */
async function cacheContents(db: Queryable): Promise<Record<string, unknown[]>> {
  const contents: Record<string, unknown[]> = {};
  for (const { table, order } of TABLES) {
    const { rows } = await db.query<{ row: unknown }>(
      `SELECT to_jsonb(t) - 'id' AS row FROM ${table} t ORDER BY ${order}`,
    );
    contents[table] = rows.map((entry) => entry.row);
  }
  return contents;
}

async function rowCounts(db: Queryable): Promise<number[]> {
  const counts: number[] = [];
  for (const { table } of TABLES) {
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
    counts.push(rows[0]?.n ?? -1);
  }
  return counts;
}

describe('linernotes export and import', () => {
  let harness: Harness;
  let workDir: string;
  let snapshot: string;
  const extraDatabases: Array<{ test: TestDatabase; db: Database }> = [];

  async function emptyInstall(): Promise<{ env: Record<string, string>; db: Database }> {
    const test = await createTestDatabase();
    const db = connectDatabase(test.url, silentLogger());
    extraDatabases.push({ test, db });
    return { env: { ...harness.sims.env, DATABASE_URL: test.url }, db };
  }

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(os.tmpdir(), 'linernotes-snapshots-'));
    await chmod(workDir, 0o755);
    harness = await startHarness({ sims: { seed: 17, artists: 8, specialNames: false } });
    for (const command of [['warm'], ['warm', '--albums'], ['track-stats'], ['audio-features']]) {
      const result = await runCli(command, { env: harness.env, cwd: workDir });
      expect(result.code, result.stderr).toBe(0);
    }
    snapshot = path.join(workDir, 'cache.snapshot.gz');
  }, 180_000);

  afterAll(async () => {
    for (const { test, db } of extraDatabases) {
      await db.close();
      await test.drop();
    }
    await harness?.close();
    await rm(workDir, { recursive: true, force: true });
  });

  it('exports a gzip file: header, one record per entry, closing counts, and no secret', async () => {
    const [artists, albums, tracks, features] = await rowCounts(harness.db.pool);
    expect(Math.min(artists ?? 0, albums ?? 0, tracks ?? 0, features ?? 0)).toBeGreaterThan(0);

    const result = await runCli(['export', snapshot], { env: harness.env, cwd: workDir });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      `${artists} artists, ${albums} albums, ${tracks} tracks, ${features} audioFeatures`,
    );

    const text = gunzipSync(await readFile(snapshot)).toString('utf8');
    const lines = text.trimEnd().split('\n');
    const header = JSON.parse(lines[0] ?? '') as { format: string; version: number; schema: string };
    expect(header).toMatchObject({ format: 'linernotes-snapshot', version: 2 });
    expect(header.schema).toMatch(/^\d{14}_/);
    expect(lines).toHaveLength(1 + (artists ?? 0) + (albums ?? 0) + (tracks ?? 0) + (features ?? 0) + 1);
    expect(JSON.parse(lines.at(-1) ?? '')).toEqual({
      end: true,
      counts: { artist: artists, album: albums, track: tracks, audioFeatures: features },
    });
    const artist = JSON.parse(lines[1] ?? '') as { entity: string; row: Record<string, unknown> };
    expect(artist.entity).toBe('artist');
    expect(Object.keys(artist.row)).toEqual(
      expect.arrayContaining(['name_key', 'raw_tags', 'fetched_at', 'expires_at']),
    );
    expect(text).not.toMatch(/job_runs|"kind":/);
    const secrets = [
      harness.sims.env.PLEX_TOKEN,
      harness.sims.env.LASTFM_API_KEY,
      harness.sims.env.SPOTIFY_CLIENT_SECRET,
      harness.sims.env.AUDIOMUSE_TOKEN,
    ].filter((secret): secret is string => secret !== undefined && secret.length > 0);
    expect(secrets.length).toBeGreaterThan(1);
    for (const secret of secrets) expect(text).not.toContain(secret);
  }, 60_000);

  it('imports into an empty install: identical entries, zero provider requests', async () => {
    const target = await emptyInstall();
    const requestsBefore = harness.sims.log.count();
    const result = await runCli(['import', snapshot], { env: target.env, cwd: workDir });
    expect(result.code, result.stderr).toBe(0);
    expect(harness.sims.log.count()).toBe(requestsBefore);
    expect(await cacheContents(target.db.pool)).toEqual(await cacheContents(harness.db.pool));
    expect(result.stdout).toMatch(/^artists\s+\d+\s+0\s+0$/m);

    // Importing the same snapshot again changes nothing: every entry is kept.
    const again = await runCli(['import', snapshot, '--json'], { env: target.env, cwd: workDir });
    expect(again.code, again.stderr).toBe(0);
    const counts = (JSON.parse(again.stdout) as { counts: Record<string, { inserted: number; updated: number }> })
      .counts;
    for (const entity of ['artist', 'album', 'track', 'audioFeatures']) {
      expect(counts[entity]).toMatchObject({ inserted: 0, updated: 0 });
    }
    expect(harness.sims.log.count()).toBe(requestsBefore);
  }, 60_000);

  it('keeps the newer of two copies, by fetch time', async () => {
    const target = await emptyInstall();
    expect((await runCli(['import', snapshot], { env: target.env, cwd: workDir })).code).toBe(0);
    const { rows } = await target.db.pool.query<{ name_key: string }>(
      'SELECT name_key FROM artist_cache ORDER BY name_key LIMIT 2',
    );
    const [newer, older] = rows.map((row) => row.name_key);
    await target.db.pool.query(
      `UPDATE artist_cache SET genres = '{Local}', fetched_at = now() + interval '1 day' WHERE name_key = $1`,
      [newer],
    );
    await target.db.pool.query(
      `UPDATE artist_cache SET genres = '{Stale}', fetched_at = '2001-01-01' WHERE name_key = $1`,
      [older],
    );
    const result = await runCli(['import', snapshot, '--json'], { env: target.env, cwd: workDir });
    expect(result.code, result.stderr).toBe(0);
    expect((JSON.parse(result.stdout) as { counts: { artist: { updated: number } } }).counts.artist.updated).toBe(1);
    const after = await target.db.pool.query<{ name_key: string; genres: string[] }>(
      'SELECT name_key, genres FROM artist_cache WHERE name_key = ANY($1) ORDER BY name_key',
      [[newer, older]],
    );
    const original = await harness.db.pool.query<{ genres: string[] }>(
      'SELECT genres FROM artist_cache WHERE name_key = $1',
      [older],
    );
    expect(after.rows.find((row) => row.name_key === newer)?.genres).toEqual(['Local']);
    expect(after.rows.find((row) => row.name_key === older)?.genres).toEqual(original.rows[0]?.genres);
  }, 60_000);

  it('replaces every entry with a snapshot fetched later, counters included', async () => {
    const target = await emptyInstall();
    expect((await runCli(['import', snapshot], { env: target.env, cwd: workDir })).code).toBe(0);
    // The same entries fetched a day later (every fetch time moved on): each one is replaced.
    const later = gunzipSync(await readFile(snapshot))
      .toString('utf8')
      .replace(
        /"((?:static_|stats_)?fetched_at)" ?: ?"(\d{4}-\d\d-\d\dT[^"]+)"/g,
        (_match, column: string, at: string) => `"${column}":"${new Date(Date.parse(at) + 86_400_000).toISOString()}"`,
      );
    const file = path.join(workDir, 'later.gz');
    await writeFile(file, gzipSync(later));
    const result = await runCli(['import', file, '--json'], { env: target.env, cwd: workDir });
    expect(result.code, result.stderr).toBe(0);
    const counts = (
      JSON.parse(result.stdout) as { counts: Record<string, { inserted: number; updated: number; kept: number }> }
    ).counts;
    const [artists, albums, tracks, features] = await rowCounts(harness.db.pool);
    expect(counts).toEqual({
      artist: { inserted: 0, updated: artists, kept: 0 },
      album: { inserted: 0, updated: albums, kept: 0 },
      track: { inserted: 0, updated: tracks, kept: 0 },
      audioFeatures: { inserted: 0, updated: features, kept: 0 },
    });
    // The statistics counters the triggers keep still agree with the tables.
    const stats = await runCli(['stats', '--json'], { env: target.env, cwd: workDir });
    expect((JSON.parse(stats.stdout) as { totals: { artists: number } }).totals.artists).toBe(artists);
  }, 60_000);

  it('imports a format 1 snapshot through its upgrade step', async () => {
    const target = await emptyInstall();
    const result = await runCli(['import', FORMAT_1_FIXTURE], { env: target.env, cwd: workDir });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('upgraded from format 1');
    expect(await rowCounts(target.db.pool)).toEqual([2, 1, 1, 1]);
    const artists = await target.db.prisma.artistCache.findMany({ orderBy: { nameKey: 'asc' } });
    expect(artists.map((artist) => [artist.nameKey, artist.source, artist.useCount, artist.lastUsedAt])).toEqual([
      ['boards of canada', ['plex', 'lastfm'], 0, null],
      ['nobody knows', [], 0, null],
    ]);
    expect(artists[0]?.expiresAt.toISOString()).toBe('2027-05-26T10:00:00.000Z');
    expect(artists[0]?.rawTags).toEqual({
      lastfm: [
        { name: 'idm', count: 100 },
        { name: 'electronic', count: 87 },
      ],
      plex: { genres: ['Electronic'] },
    });
    const track = await target.db.prisma.trackCache.findUniqueOrThrow({
      where: { ratingKey: '301' },
      include: { audioFeatures: true },
    });
    expect(track).toMatchObject({ viewCount: 42, plexSeenAt: new Date('2026-11-27T12:00:00.000Z') });
    expect(track.audioFeatures).toMatchObject({ tempo: 97.5, moodVector: { electronic: 0.71, ambient: 0.4 } });
  }, 60_000);

  it('refuses a cut-off, a newer-format or a foreign file, and imports nothing from it', async () => {
    const target = await emptyInstall();
    const lines = gunzipSync(await readFile(snapshot))
      .toString('utf8')
      .trimEnd()
      .split('\n');
    const cases: Array<{ name: string; content: Buffer; message: RegExp }> = [
      {
        name: 'cut-off.gz',
        content: gzipSync(`${lines.slice(0, -1).join('\n')}\n`),
        message: /ends early: its closing line is missing/,
      },
      {
        name: 'newer.gz',
        content: gzipSync(`${lines[0]?.replace('"version":2', '"version":9')}\n`),
        message: /format version 9, newer than this linernotes reads \(up to 2\)/,
      },
      { name: 'foreign.txt', content: Buffer.from('artist,genre\nA,Rock\n'), message: /not a linernotes snapshot/ },
      {
        name: 'bad-date.gz',
        content: gzipSync(`${lines.join('\n').replace(/"expires_at" ?: ?"[^"]+"/, '"expires_at":"tomorrow-ish"')}\n`),
        message: /refused/,
      },
    ];
    for (const { name, content, message } of cases) {
      const file = path.join(workDir, name);
      await writeFile(file, content);
      const result = await runCli(['import', file], { env: target.env, cwd: workDir });
      expect(result.code, `${name}: ${result.stdout}${result.stderr}`).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).toContain('nothing was imported');
      expect(await rowCounts(target.db.pool)).toEqual([0, 0, 0, 0]);
    }
  }, 90_000);
});
