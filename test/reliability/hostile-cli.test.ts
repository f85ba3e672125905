// Hostile input through the command line and the environment: every refusal is one clear line on
// stderr and a non-zero exit code (bad input: 2), with no stack, SQL, source path or secret in it, and
// nothing written to the database; a server that refuses its configuration never binds its port.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIGURATION_VARIABLES } from '../../src/config.ts';
import { type CliResult, runCli } from '../support/cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { NO_SCHEDULES } from '../support/no-schedules.ts';
import { printFigures } from './support/figures.ts';

const SOURCE_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SECRETS = {
  PLEX_TOKEN: 'plex-secret-Zq81xK',
  LASTFM_API_KEY: 'lastfm-secret-Wv27pL',
  API_TOKEN: 'api-secret-Hn55rT',
  SPOTIFY_CLIENT_SECRET: 'spotify-secret-Gb03mY',
  AUDIOMUSE_TOKEN: 'audiomuse-secret-Kd44sE',
};
const LEAKS: Array<[string, RegExp]> = [
  ['a stack frame', /\bat .+[.:](ts|js|mjs):\d+|node:internal/],
  ['a source path', new RegExp(SOURCE_ROOT.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))],
  ['a Prisma dump', /prisma\.|Invalid `/],
  ['SQL', /\bSELECT\b|\bINSERT\b|\bUPDATE\b.*\bSET\b|\bsyntax error at\b/],
  ['an errno', /\bE[A-Z]{3,}\b: /],
  ['a raw control character', /[^\P{Cc}\n]/u],
  ['the help text', /Usage:/],
];

/** Problems of one refused (or accepted) invocation's output. */
function outputProblems(result: CliResult, expectedCode: number, secretValues: string[]): string[] {
  const problems: string[] = [];
  const output = result.stdout + result.stderr;
  if (result.code !== expectedCode) problems.push(`exit ${result.code} (signal ${result.signal}), not ${expectedCode}`);
  for (const [what, pattern] of LEAKS) if (pattern.test(output)) problems.push(`shows ${what}`);
  for (const secret of secretValues) if (output.includes(secret)) problems.push('shows a secret');
  if (expectedCode !== 0) {
    const lines = result.stderr.split('\n').filter((line) => line !== '');
    if (lines.length !== 1) problems.push(`${lines.length} lines on stderr, not one`);
    if (!/^linernotes: \S/.test(result.stderr)) problems.push('stderr does not start with "linernotes: "');
  }
  return problems.map((problem) => `${problem}: ${JSON.stringify(output.slice(0, 400))}`);
}

async function databaseCounts(url: string): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<Record<string, number>>(
      `SELECT (SELECT count(*)::int FROM job_runs) AS runs, (SELECT count(*)::int FROM graphile_worker.jobs) AS jobs,
              (SELECT count(*)::int FROM artist_cache) AS artists, (SELECT count(*)::int FROM album_cache) AS albums,
              (SELECT count(*)::int FROM track_cache) AS tracks, (SELECT count(*)::int FROM app_tokens) AS tokens,
              (SELECT count(*)::int FROM genre_rules_versions) AS rules`,
    );
    return rows[0] ?? {};
  } finally {
    await client.end();
  }
}

/** Runs the items a few at a time: each invocation waits mostly on start-up, not on the CPU. */
async function inBatches<T, R>(items: T[], size: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += size)
    results.push(...(await Promise.all(items.slice(start, start + size).map(run))));
  return results;
}

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

let workDir: string;
let database: TestDatabase;
let env: Record<string, string>;

beforeAll(async () => {
  workDir = await mkdtemp(path.join(os.tmpdir(), 'linernotes-hostile-cli-'));
  database = await createTestDatabase();
  env = {
    ...NO_SCHEDULES,
    ...SECRETS,
    DATABASE_URL: database.url,
    // Configured providers on a closed loopback port: an invocation that got through would fail, not reach out.
    PLEX_URL: 'http://127.0.0.1:9',
    LASTFM_API_URL: 'http://127.0.0.1:9',
    MUSICBRAINZ_ENABLED: 'false',
    DATA_DIR: workDir,
  };
  await mkdir(path.join(workDir, 'a-folder'));
  const rules = (aliases: Record<string, string[]>, tags: string[] = []) =>
    JSON.stringify({
      format: 1,
      aliases,
      blocklist: { tags, patterns: [] },
      parents: {},
      allowList: { enabled: false, genres: [] },
    });
  await writeFile(path.join(workDir, 'cut-short.json'), '{"format": 1, "aliases": {');
  await writeFile(path.join(workDir, 'an-array.json'), '[1, 2, 3]');
  await writeFile(path.join(workDir, 'nul-key.json'), rules({ 'ro\u0000ck': ['rock'] }));
  await writeFile(path.join(workDir, 'nul-tag.json'), rules({}, ['a\u0000b']));
  await writeFile(path.join(workDir, 'huge-name.json'), rules({ ['x'.repeat(100_000)]: ['y'] }));
  await writeFile(path.join(workDir, 'not-a-snapshot.gz'), 'plain text, not gzip');
  await writeFile(path.join(workDir, 'nul-bytes.gz'), Buffer.alloc(4096, 0));
}, 60_000);

afterAll(async () => {
  await database?.drop();
  await rm(workDir, { recursive: true, force: true });
});

describe('hostile command-line arguments', () => {
  it('refuses each with one clear line and a non-zero exit, writing nothing', async () => {
    const file = (name: string) => path.join(workDir, name);
    const LONG = 'x'.repeat(100_000);
    const CONTROL = 'a\u0007\u001b[31m\u202eb';
    const cases: Array<{ args: string[]; code: number }> = [
      // Unknown commands and options, and missing or extra arguments.
      { args: ['wram'], code: 2 },
      { args: [LONG], code: 2 },
      { args: [CONTROL], code: 2 },
      { args: ['jobs', '--bogus'], code: 2 },
      { args: ['stats', 'extra'], code: 2 },
      { args: ['cancel'], code: 2 },
      { args: ['tokens', 'add', 'app'], code: 2 },
      { args: ['tokens', 'add', 'app', '--read', '--admin'], code: 2 },
      { args: ['providers', 'resume', 'nope'], code: 2 },
      { args: ['cache', 'clear', '--table', 'users; DROP TABLE artist_cache'], code: 2 },
      { args: ['jobs', '--kind', ''], code: 2 },
      { args: ['jobs', '--status', CONTROL], code: 2 },
      // Numbers: not numbers, negative, zero, fractional, exponent, huge, beyond the safe integers.
      ...['abc', '-1', '0', '1.5', '1e3', '', ' 7', '0x10', '99999999999999999999', '9007199254740993'].map(
        (value) => ({ args: ['jobs', '--limit', value], code: 2 }),
      ),
      { args: ['jobs', '--limit', '10001'], code: 2 },
      { args: ['coverage', '--tags', '201'], code: 2 },
      { args: ['coverage', '--tags', '-3'], code: 2 },
      { args: ['warm', '--concurrency', '17'], code: 2 },
      { args: ['warm', '--concurrency', '99999999999999999999'], code: 2 },
      { args: ['warm', '--concurrency', 'NaN'], code: 2 },
      { args: ['refresh', '--limit', '100001'], code: 2 },
      { args: ['refresh', '--limit', '-5'], code: 2 },
      { args: ['tokens', 'add', 'app', '--read', '--quota', '1000001'], code: 2 },
      { args: ['tokens', 'add', 'app', '--read', '--quota', '1e9'], code: 2 },
      // Ids and names: empty, huge, control characters, SQL.
      { args: ['cancel', ''], code: 2 },
      { args: ['cancel', '-1'], code: 2 },
      { args: ['cancel', '99999999999999999999999'], code: 2 },
      { args: ['cancel', "1' OR '1'='1"], code: 2 },
      { args: ['cancel', CONTROL], code: 2 },
      { args: ['cancel', '424242'], code: 1 },
      { args: ['tokens', 'add', '', '--read'], code: 2 },
      { args: ['tokens', 'add', LONG, '--read'], code: 2 },
      { args: ['tokens', 'add', CONTROL, '--read'], code: 2 },
      { args: ['tokens', 'revoke', CONTROL], code: 2 },
      { args: ['tokens', 'revoke', "x' OR 1=1 --"], code: 2 },
      // Files: empty names, missing files and folders, folders, malformed and NUL-laden contents.
      { args: ['import', ''], code: 2 },
      { args: ['import', file('missing.gz')], code: 2 },
      { args: ['import', file('a-folder')], code: 2 },
      { args: ['import', file('not-a-snapshot.gz')], code: 2 },
      { args: ['import', file('nul-bytes.gz')], code: 2 },
      { args: ['import', file(LONG.slice(0, 5000))], code: 2 },
      { args: ['export', ''], code: 2 },
      { args: ['export', file('a-folder')], code: 2 },
      { args: ['export', file('missing-folder/cache.gz')], code: 2 },
      { args: ['export', file('not-a-snapshot.gz/cache.gz')], code: 2 },
      { args: ['rules', 'export', ''], code: 2 },
      { args: ['rules', 'export', file('a-folder')], code: 2 },
      { args: ['rules', 'export', file('missing-folder/rules.json')], code: 2 },
      { args: ['rules', 'import', ''], code: 2 },
      { args: ['rules', 'import', file('missing.json')], code: 2 },
      { args: ['rules', 'import', file('a-folder')], code: 2 },
      { args: ['rules', 'import', file('cut-short.json')], code: 2 },
      { args: ['rules', 'import', file('an-array.json')], code: 2 },
      { args: ['rules', 'import', file('nul-key.json')], code: 2 },
      { args: ['rules', 'import', file('nul-tag.json')], code: 2 },
      { args: ['rules', 'import', file('huge-name.json')], code: 2 },
      { args: ['rules', 'import', file('not-a-snapshot.gz')], code: 2 },
      // Legal, however odd: a limit beyond 32 bits of what exists, a read of nothing.
      { args: ['jobs', '--limit', '10000', '--json'], code: 0 },
      { args: ['jobs', '--kind', 'cache-warm', '--status', 'failed'], code: 0 },
    ];
    const before = await databaseCounts(database.url);
    const results = await inBatches(cases, 6, (hostile) => runCli(hostile.args, { env, cwd: workDir }));
    const problems = cases.flatMap((hostile, index) => {
      const result = results[index];
      if (!result) return [`${hostile.args.join(' ')}: no result`];
      return outputProblems(result, hostile.code, Object.values(SECRETS)).map(
        (problem) => `${JSON.stringify(hostile.args).slice(0, 80)}: ${problem}`,
      );
    });
    expect(problems).toEqual([]);
    expect(await databaseCounts(database.url)).toEqual(before);
    printFigures('hostile CLI arguments', { invocations: cases.length, problems: problems.length });
  }, 120_000);
});

// Every variable the configuration reads, by the kind of value it takes.
const INTEGERS = [
  'PORT',
  'HTTP_TIMEOUT_MS',
  'PLEX_CONCURRENCY',
  'AUDIOMUSE_CONCURRENCY',
  'ARTIST_TTL_DAYS',
  'ALBUM_TTL_DAYS',
  'TTL_JITTER_PERCENT',
  'NEGATIVE_TTL_DAYS',
  'PARTIAL_RETRY_HOURS',
  'TRACK_STATIC_TTL_DAYS',
  'TRACK_STATS_TTL_HOURS',
  'CACHE_WARM_CONCURRENCY',
  'ALBUM_WARM_CONCURRENCY',
  'WORKER_CONCURRENCY',
  'WORKER_STALE_SECONDS',
  'REFRESH_LOOKAHEAD_DAYS',
  'HOURLY_REFRESH_LIMIT',
  'HOT_TIER_DAYS',
  'WARM_TIER_DAYS',
  'COLD_TIER_DAYS',
  'LASTFM_MIN_TAG_WEIGHT',
  'MAX_GENRES',
  'MAX_ERAS',
  'MAX_PLACES',
  'MAX_INSTRUMENTS',
  'MAX_LABELS',
  'MAX_RELEASE_TYPES',
];
const DECIMALS = ['LASTFM_RPS', 'MUSICBRAINZ_RPS', 'SPOTIFY_RPS'];
const BOOLEANS = ['MUSICBRAINZ_ENABLED', 'REFRESH_COLD_ENTRIES', 'GENRE_ALLOWLIST_MODE'];
const URLS = [
  'PLEX_URL',
  'LASTFM_API_URL',
  'SPOTIFY_API_URL',
  'SPOTIFY_ACCOUNTS_URL',
  'MUSICBRAINZ_URL',
  'AUDIOMUSE_URL',
];
const CRONS = [
  'CACHE_WARM_CRON',
  'CACHE_REFRESH_CRON',
  'TRACK_CACHE_REFRESH_CRON',
  'TRACK_STATIC_REFRESH_CRON',
  'AUDIO_FEATURES_CRON',
];
const CHECKED = [...INTEGERS, ...DECIMALS, ...BOOLEANS, ...URLS, ...CRONS, 'LOG_LEVEL', 'HOST', 'DATABASE_URL'];
/** Free text (names, secrets, lists): any value is legal; the lists are checked as genre rules below. */
const FREE_TEXT = [
  'DATA_DIR',
  'API_TOKEN',
  'READ_TOKEN',
  'PLEX_TOKEN',
  'PLEX_MUSIC_SECTION',
  'LASTFM_API_KEY',
  'SPOTIFY_CLIENT_ID',
  'SPOTIFY_CLIENT_SECRET',
  'MUSICBRAINZ_CONTACT',
  'AUDIOMUSE_TOKEN',
  'AUDIOMUSE_SERVER',
  'GENRE_BLOCKLIST',
  'GENRE_ALIASES',
  'GENRE_PARENTS',
  'GENRE_ALLOWLIST',
];

describe('hostile environment values', () => {
  it('knows every variable the configuration reads', () => {
    expect([...CHECKED, ...FREE_TEXT].sort()).toEqual([...CONFIGURATION_VARIABLES].sort());
  });

  it('stops `serve` and a job command before they start, naming each bad variable and no secret', async () => {
    const DATABASE_SECRET = 'db-password-Yt62cQ';
    /** One garbage class per process: every checked variable at once, so each run names them all. */
    const garbage: Array<{ name: string; value: (variable: string) => string }> = [
      { name: 'words', value: () => 'not a value at all' },
      {
        name: 'out of range',
        value: (variable) =>
          INTEGERS.includes(variable) || DECIMALS.includes(variable)
            ? '-1'
            : CRONS.includes(variable)
              ? '61 25 * * *'
              : URLS.includes(variable)
                ? 'ftp://127.0.0.1/'
                : BOOLEANS.includes(variable)
                  ? '2'
                  : 'x'.repeat(300),
      },
      { name: 'huge', value: () => '9'.repeat(400) },
      { name: 'fractions and exponents', value: () => '1.5e400' },
      { name: 'control characters', value: () => '4\u0007\u001b[2J\u202e' },
    ];
    const invocations: Array<{ label: string; args: string[]; env: Record<string, string>; named: string[] }> = [];
    for (const args of [['serve'], ['refresh']]) {
      for (const kind of garbage) {
        const values = Object.fromEntries(CHECKED.map((variable) => [variable, kind.value(variable)]));
        values.DATABASE_URL = `mysql://linernotes:${DATABASE_SECRET}@127.0.0.1/${kind.value('DATABASE_URL')}`;
        // "1.5e400" is a well-formed host name, however unlikely.
        const named = kind.name === 'fractions and exponents' ? CHECKED.filter((name) => name !== 'HOST') : CHECKED;
        invocations.push({ label: `${args[0]} / ${kind.name}`, args, env: { ...env, ...values }, named });
      }
    }
    const expected = invocations.map(() => 2);
    const before = await databaseCounts(database.url);
    const results = await inBatches(invocations, 4, (invocation) =>
      runCli(invocation.args, { env: invocation.env, cwd: workDir }),
    );
    const problems: string[] = [];
    let lines = 0;
    invocations.forEach((invocation, index) => {
      const result = results[index];
      if (!result) return;
      const stderrLines = result.stderr.split('\n').filter((line) => line !== '');
      lines += stderrLines.length;
      if (result.code !== expected[index]) problems.push(`${invocation.label}: exit ${result.code}`);
      if (result.stdout !== '') problems.push(`${invocation.label}: wrote to stdout ${result.stdout.slice(0, 200)}`);
      for (const line of stderrLines)
        if (!/^linernotes: invalid configuration: [A-Z_]+ must be /.test(line))
          problems.push(`${invocation.label}: unclear line ${JSON.stringify(line.slice(0, 200))}`);
      for (const variable of invocation.named)
        if (!stderrLines.some((line) => line.startsWith(`linernotes: invalid configuration: ${variable} must be`)))
          problems.push(`${invocation.label}: ${variable} not named`);
      const output = result.stdout + result.stderr;
      for (const [what, pattern] of LEAKS)
        if (pattern.test(output)) problems.push(`${invocation.label}: shows ${what}`);
      for (const secret of [...Object.values(SECRETS), DATABASE_SECRET])
        if (output.includes(secret)) problems.push(`${invocation.label}: shows a secret`);
    });
    expect(problems).toEqual([]);
    expect(await databaseCounts(database.url)).toEqual(before);
    printFigures('hostile environment, every variable at once', {
      processes: invocations.length,
      variables: CHECKED.length,
      refusals: lines,
    });
  }, 120_000);

  it('refuses genre rules, tier order and host problems without binding the port or writing', async () => {
    const port = await freePort();
    const cases: Array<{ name: string; env: Record<string, string>; pattern: RegExp }> = [
      {
        name: 'parents',
        env: { GENRE_PARENTS: 'rock' },
        pattern: /^linernotes: invalid configuration: GENRE_PARENTS: /,
      },
      {
        name: 'aliases',
        env: { GENRE_ALIASES: 'nonsense' },
        pattern: /^linernotes: invalid configuration: GENRE_ALIASES: /,
      },
      {
        name: 'blocklist',
        env: { GENRE_BLOCKLIST: '/(/' },
        pattern: /^linernotes: invalid configuration: GENRE_BLOCKLIST: /,
      },
      {
        name: 'tiers',
        env: { HOT_TIER_DAYS: '400' },
        pattern: /^linernotes: invalid configuration: HOT_TIER_DAYS, WARM_TIER_DAYS and COLD_TIER_DAYS /,
      },
      {
        name: 'a host name with spaces',
        env: { HOST: 'not a host!!' },
        pattern: /^linernotes: invalid configuration: HOST must be /,
      },
      {
        name: 'a huge host name',
        env: { HOST: 'x'.repeat(300) },
        pattern: /^linernotes: invalid configuration: HOST must be /,
      },
    ];
    const before = await databaseCounts(database.url);
    const results = await inBatches(cases, 3, (hostile) =>
      runCli(['serve'], { env: { ...env, PORT: String(port), ...hostile.env }, cwd: workDir }),
    );
    const problems = cases.flatMap((hostile, index) => {
      const result = results[index];
      if (!result) return [`${hostile.name}: no result`];
      const found = outputProblems(result, 2, Object.values(SECRETS));
      if (!hostile.pattern.test(result.stderr)) found.push(`unexpected message ${result.stderr.slice(0, 200)}`);
      if (/listening/.test(result.stdout + result.stderr)) found.push('started listening');
      return found.map((problem) => `${hostile.name}: ${problem}`);
    });
    expect(problems).toEqual([]);
    expect(await portAnswers(port)).toBe(false);
    expect(await databaseCounts(database.url)).toEqual(before);
    // Empty strings are legal: every variable takes its default (the database aside, which the test needs).
    const empty = Object.fromEntries([...CHECKED, ...FREE_TEXT].map((variable) => [variable, '']));
    const legal = await runCli(['jobs'], { env: { ...empty, DATABASE_URL: database.url }, cwd: workDir });
    expect(outputProblems(legal, 0, [])).toEqual([]);
    expect(legal.stdout).toBe('no runs yet\n');
    printFigures('hostile environment, one problem each', { processes: cases.length + 1, problems: problems.length });
  }, 120_000);
});
