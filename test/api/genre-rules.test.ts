// Genre rules as versioned data, through the API and the CLI against the simulators: the seeded version,
// a change previewed (its counts held against the cache itself), applied, and re-merged with no provider
// request; a second process following the new version; rules files exported, imported and refused.
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApplyGenreRulesDocument,
  ArtistGenresDocument,
  GenreRulesDocument,
  JobRunDocument,
  ProposeGenreRulesDocument,
  RemergeCacheDocument,
  WarmAlbumCacheDocument,
  WarmArtistCacheDocument,
} from '../../src/generated/graphql.ts';
import { genreKey } from '../../src/enrichment/text-keys.ts';
import { silentLogger } from '../../src/logger.ts';
import { type ProcessRuntime, startProcessRuntime } from '../../src/process-runtime.ts';
import type { WorkerHandle } from '../../src/worker/runner.ts';
import { runCli } from '../support/cli.ts';
import { type Harness, startHarness } from '../support/harness.ts';
import { type ApiServer, startApiServer } from './support/api-server.ts';
import { dataOf, request } from './support/operations.ts';
import { refusal } from './support/results.ts';
import { NO_SCHEDULES, startTestWorker } from './support/worker.ts';

interface Merged {
  name: string;
  status: string;
  genres: string[];
  styles: string[];
  moods: string[];
  source: string[];
}
type Snapshot = { artists: Map<number, Merged>; albums: Map<number, Merged> };

describe('genre rules: propose, preview, apply, remerge', () => {
  let harness: Harness;
  let api: ApiServer;
  let worker: WorkerHandle;
  let workDir: string;
  let second: ProcessRuntime | undefined;

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(os.tmpdir(), 'linernotes-rules-'));
    await chmod(workDir, 0o755);
    const generous = { limit: 500, windowMs: 1_000 };
    harness = await startHarness({
      sims: { seed: 1205, artists: 30, lastfm: { quirks: { rateLimit: generous } } },
      env: {
        ...NO_SCHEDULES,
        LASTFM_RPS: '50',
        MUSICBRAINZ_RPS: '50',
        SPOTIFY_RPS: '50',
        GENRE_BLOCKLIST: 'zzz junk tag',
        GENRE_PARENTS: 'tech house=techno|house',
      },
    });
    harness.sims.musicbrainz.setQuirks({ rateLimit: generous });
    harness.sims.spotify.setQuirks({ rateLimit: generous });
    api = await startApiServer(harness);
    worker = await startTestWorker(harness);
    await waitForRun(dataOf(await request(api.url, WarmArtistCacheDocument, { input: {} })).warmArtistCache.id);
    await waitForRun(dataOf(await request(api.url, WarmAlbumCacheDocument, { input: {} })).warmAlbumCache.id);
  }, 240_000);

  afterAll(async () => {
    await second?.stop();
    await worker?.stop();
    await api?.close();
    await harness?.close();
    await rm(workDir, { recursive: true, force: true });
  });

  /** Waits for the run to end (a loop, not expect.poll, which beforeAll cannot use); fails unless it succeeded. */
  async function waitForRun(id: string): Promise<void> {
    const deadline = Date.now() + 180_000;
    let status: string | undefined;
    while (Date.now() < deadline) {
      status = dataOf(await request(api.url, JobRunDocument, { id })).jobRun?.status;
      if (status !== 'QUEUED' && status !== 'RUNNING') break;
      await delay(200);
    }
    expect(status, `run ${id}`).toBe('SUCCEEDED');
  }

  async function snapshot(): Promise<Snapshot> {
    const read = async (sql: string) =>
      new Map((await harness.db.pool.query<Merged & { id: number }>(sql)).rows.map((row) => [row.id, row]));
    return {
      artists: await read('SELECT id, name, genres, styles, moods, source, status FROM artist_cache'),
      albums: await read('SELECT id, title AS name, genres, styles, moods, source, status FROM album_cache'),
    };
  }

  async function versionCount(): Promise<number> {
    const { rows } = await harness.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM genre_rules_versions');
    return rows[0]?.n ?? 0;
  }

  /** The genre most albums have: the one the changes below move. */
  async function commonestAlbumGenre(): Promise<string> {
    const { rows } = await harness.db.pool.query<{ genre: string }>(
      'SELECT g AS genre FROM album_cache, unnest(genres) AS g GROUP BY g ORDER BY count(*) DESC, g LIMIT 1',
    );
    const genre = rows[0]?.genre;
    if (genre === undefined) throw new Error('the warm stored no album genre');
    return genre;
  }

  const having = (entries: Map<number, Merged>, genre: string) =>
    [...entries.values()].filter((entry) => entry.genres.includes(genre)).length;

  function changedBetween(before: Map<number, Merged>, after: Map<number, Merged>): number {
    let changed = 0;
    for (const [id, entry] of before) {
      const now = after.get(id);
      if (JSON.stringify({ ...entry, name: '' }) !== JSON.stringify({ ...now, name: '' })) changed++;
    }
    return changed;
  }

  it('answers the version seeded at first start from the shipped files and the GENRE_* variables', async () => {
    const active = dataOf(await request(api.url, GenreRulesDocument)).genreRules;
    expect(active).toMatchObject({ status: 'APPLIED', origin: 'seed', allowListEnabled: false });
    expect(active.blockedTags).toContain('zzz junk tag');
    expect(active.blockedTags).toContain('seen live');
    expect(active.parents).toEqual([{ genre: 'tech house', parents: ['techno', 'house'] }]);
    expect(active.aliasCount).toBeGreaterThan(100);
  });

  it('previews a blocked genre with the counts of the cache, and changes nothing', async () => {
    const genre = await commonestAlbumGenre();
    const before = await snapshot();
    const versions = await versionCount();
    const sent = harness.sims.log.entries.length;
    const proposal = dataOf(
      await request(api.url, ProposeGenreRulesDocument, { change: { block: [genre] } }),
    ).proposeGenreRules;
    expect(proposal.version).toMatchObject({ status: 'PROPOSED', origin: 'proposal' });
    expect(proposal.artists).toEqual({ examined: before.artists.size, changed: having(before.artists, genre) });
    expect(proposal.albums).toEqual({ examined: before.albums.size, changed: having(before.albums, genre) });
    expect(proposal.lost.find((entry) => entry.genre === genre)).toEqual({
      genre,
      artists: having(before.artists, genre),
      albums: having(before.albums, genre),
    });
    expect(proposal.relabels).toEqual([]);
    expect(proposal.summary).toMatch(new RegExp(`^would change \\d+ artists? and \\d+ albums?: .*${genre} lost`));
    expect(proposal.examples.length).toBeGreaterThan(0);
    for (const example of proposal.examples) {
      expect(example.before).toContain(genre);
      expect(example.after).not.toContain(genre);
    }
    expect(await snapshot()).toEqual(before);
    expect(await versionCount()).toBe(versions + 1);
    expect(dataOf(await request(api.url, GenreRulesDocument)).genreRules.origin).toBe('seed');
    expect(harness.sims.log.entries.length).toBe(sent);
  }, 60_000);

  it('applies a relabel: the remerge sends no request and changes exactly what the preview said', async () => {
    const genre = await commonestAlbumGenre();
    const target = `Relabelled ${genre}`;
    // A second process with its own LISTEN connection, started before the change.
    second = await startProcessRuntime({ config: harness.config, db: harness.db, logger: silentLogger() });
    const seededId = second.deps.genreRules.versionId;

    const before = await snapshot();
    const proposal = dataOf(
      await request(api.url, ProposeGenreRulesDocument, { change: { addAliases: [{ from: genre, to: target }] } }),
    ).proposeGenreRules;
    const relabel = proposal.relabels.find((entry) => entry.from === genre);
    console.info('relabel preview:', proposal.summary);
    expect(relabel?.to).toBe(target);
    expect(relabel?.albums).toBeGreaterThan(0);

    const sent = harness.sims.log.entries.length;
    const applied = dataOf(
      await request(api.url, ApplyGenreRulesDocument, { id: proposal.version.id }),
    ).applyGenreRules;
    expect(applied.version).toMatchObject({ id: proposal.version.id, status: 'APPLIED' });
    expect(applied.run.task).toBe('cache-remerge');
    await waitForRun(applied.run.id);
    expect(harness.sims.log.entries.length, 'provider requests during the remerge').toBe(sent);

    const after = await snapshot();
    expect(changedBetween(before.artists, after.artists)).toBe(proposal.artists.changed);
    expect(changedBetween(before.albums, after.albums)).toBe(proposal.albums.changed);
    const moved = [...before.albums].filter(([id, entry]) => {
      const now = after.albums.get(id);
      return entry.genres.includes(genre) && now?.genres.includes(target) === true;
    });
    expect(moved.length).toBe(relabel?.albums);
    expect(having(after.albums, target)).toBeGreaterThanOrEqual(relabel?.albums ?? 0);
    // The API answers the re-merged genres.
    const example = proposal.examples.find((entry) => entry.kind === 'ARTIST');
    if (example !== undefined) {
      const artist = dataOf(await request(api.url, ArtistGenresDocument, { name: example.artist })).artist;
      expect(artist?.genres).toEqual(example.after);
    }

    const active = dataOf(await request(api.url, GenreRulesDocument)).genreRules;
    expect(active).toMatchObject({ id: proposal.version.id, origin: 'proposal' });
    // The other process heard of the new version and merges with it.
    const other = second;
    await expect.poll(() => other.deps.genreRules.versionId, { timeout: 30_000 }).toBe(Number(proposal.version.id));
    expect(other.deps.genreRules.versionId).not.toBe(seededId);
    expect(other.deps.genreRules.rules.canonical.get(genreKey(genre))?.display).toBe(target);
  }, 240_000);

  it('exports the active version from the CLI and imports it back as a proposal; --apply applies it', async () => {
    const file = path.join(workDir, 'rules.json');
    const exported = await runCli(['rules', 'export', file], { env: harness.env, cwd: workDir });
    expect(exported.code, exported.stderr).toBe(0);
    const document = JSON.parse(await readFile(file, 'utf8')) as {
      format: number;
      blocklist: { tags: string[] };
      aliases: Record<string, string[]>;
    };
    const active = dataOf(await request(api.url, GenreRulesDocument)).genreRules;
    expect(document).toEqual(active.document);

    const genre = await commonestAlbumGenre();
    document.blocklist.tags.push(genre);
    await writeFile(file, JSON.stringify(document));
    const before = await snapshot();
    const proposed = await runCli(['rules', 'import', file, '--json'], { env: harness.env, cwd: workDir });
    expect(proposed.code, proposed.stderr).toBe(0);
    const preview = JSON.parse(proposed.stdout) as { id: number; albums: { changed: number } };
    expect(preview.albums.changed).toBe(having(before.albums, genre));
    expect(dataOf(await request(api.url, GenreRulesDocument)).genreRules.id).toBe(active.id);
    expect(await snapshot()).toEqual(before);

    const sent = harness.sims.log.entries.length;
    const appliedRun = await runCli(['rules', 'import', file, '--apply'], { env: harness.env, cwd: workDir });
    expect(appliedRun.code, appliedRun.stderr).toBe(0);
    expect(harness.sims.log.entries.length).toBe(sent);
    const after = await snapshot();
    expect(having(after.albums, genre)).toBe(0);
    expect(changedBetween(before.albums, after.albums)).toBe(preview.albums.changed);
    expect(dataOf(await request(api.url, GenreRulesDocument)).genreRules.origin).toBe('import');
  }, 240_000);

  it('remergeCache and `linernotes remerge` recompute entries from their raw tags, with no provider request', async () => {
    const { rows } = await harness.db.pool.query<{ id: number; genres: string[] }>(
      'SELECT id, genres FROM album_cache WHERE cardinality(genres) > 0 ORDER BY id LIMIT 2',
    );
    const [first, second] = rows;
    if (first === undefined || second === undefined) throw new Error('the warm stored too few albums with genres');
    const spoil = (id: number) =>
      harness.db.pool.query(`UPDATE album_cache SET genres = '{Spoilt}' WHERE id = $1`, [id]);
    const genresOf = async (id: number) =>
      (await harness.db.pool.query<{ genres: string[] }>('SELECT genres FROM album_cache WHERE id = $1', [id])).rows[0]
        ?.genres;
    const sent = harness.sims.log.entries.length;

    await spoil(first.id);
    const run = dataOf(await request(api.url, RemergeCacheDocument)).remergeCache;
    await waitForRun(run.id);
    expect(await genresOf(first.id)).toEqual(first.genres);
    const finished = dataOf(await request(api.url, JobRunDocument, { id: run.id })).jobRun;
    expect(finished?.message).toMatch(/: 1 entries changed$/);

    await spoil(second.id);
    const cli = await runCli(['remerge'], { env: harness.env, cwd: workDir });
    expect(cli.code, cli.stderr).toBe(0);
    expect(await genresOf(second.id)).toEqual(second.genres);
    expect(harness.sims.log.entries.length).toBe(sent);
  }, 120_000);

  it.each([
    ['not JSON', '{"format": 1,', /not JSON/],
    ['another shape', JSON.stringify({ format: 1, aliases: {} }), /blocklist/],
    [
      'a bad pattern',
      JSON.stringify({
        format: 1,
        aliases: {},
        blocklist: { tags: [], patterns: ['[unclosed'] },
        parents: {},
        allowList: { enabled: false, genres: [] },
      }),
      /not a valid regular expression/,
    ],
    [
      'a cycle of parents',
      JSON.stringify({
        format: 1,
        aliases: {},
        blocklist: { tags: [], patterns: [] },
        parents: { a: ['b'], b: ['a'] },
        allowList: { enabled: false, genres: [] },
      }),
      /cycle/,
    ],
  ])(
    'refuses a rules file with %s, and changes nothing',
    async (_what, text, message) => {
      const file = path.join(workDir, 'bad-rules.json');
      await writeFile(file, text);
      const versions = await versionCount();
      const before = await snapshot();
      const result = await runCli(['rules', 'import', file, '--apply'], { env: harness.env, cwd: workDir });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(await versionCount()).toBe(versions);
      expect(await snapshot()).toEqual(before);
    },
    60_000,
  );

  it('refuses bad changes and unknown versions with typed errors, and stores nothing', async () => {
    const versions = await versionCount();
    const cycle = await request(api.url, ProposeGenreRulesDocument, {
      change: {
        setParents: [
          { genre: 'a', parents: ['b'] },
          { genre: 'b', parents: ['a'] },
        ],
      },
    });
    expect(refusal(cycle)).toMatchObject({
      extensions: { code: 'INVALID_INPUT' },
      message: expect.stringMatching(/cycle/),
    });
    const empty = await request(api.url, ProposeGenreRulesDocument, { change: {} });
    expect(refusal(empty).extensions.code).toBe('INVALID_INPUT');
    const unknownAlias = await request(api.url, ProposeGenreRulesDocument, { change: { removeAliases: ['no such'] } });
    expect(refusal(unknownAlias).extensions.code).toBe('INVALID_INPUT');
    for (const id of ['999999', 'abc', '-1']) {
      const missing = await request(api.url, ApplyGenreRulesDocument, { id });
      expect(refusal(missing).extensions.code).toBe('NOT_FOUND');
    }
    expect(await versionCount()).toBe(versions);
  });
});
