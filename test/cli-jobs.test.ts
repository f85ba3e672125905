// The job commands of the real `linernotes` binary, from a pipe and from a pseudo-terminal.
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getRun } from '../src/jobs/engine/runs/get-run.ts';
import { BIN, cliEnv, runCli, startCli } from './support/cli.ts';
import { type Harness, startHarness } from './support/harness.ts';

const ARTISTS = 20;

/** Runs the command under `script`, which gives it a pseudo-terminal as a person's shell would. */
function runInTerminal(
  args: string[],
  env: Record<string, string>,
  cwd: string,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const command = [process.execPath, BIN, ...args].map((part) => `'${part.replace(/'/g, `'\\''`)}'`).join(' ');
    const child = spawn('script', ['-qefc', command, '/dev/null'], {
      cwd,
      env: { ...cliEnv(env), TERM: 'xterm-256color', COLUMNS: '160' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
    child.stdin.end();
  });
}

/** As runInTerminal, typing Ctrl-C once the output matches `when`: the terminal turns it into SIGINT. */
function interruptInTerminal(
  args: string[],
  env: Record<string, string>,
  cwd: string,
  when: RegExp,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const command = [process.execPath, BIN, ...args].map((part) => `'${part.replace(/'/g, `'\\''`)}'`).join(' ');
    const child = spawn('script', ['-qefc', command, '/dev/null'], {
      cwd,
      env: { ...cliEnv(env), TERM: 'xterm-256color', COLUMNS: '160' },
    });
    let output = '';
    let typed = false;
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (!typed && when.test(output)) {
        typed = true;
        child.stdin.write('\x03');
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('linernotes job commands', () => {
  let harness: Harness;
  let workDir: string;

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(os.tmpdir(), 'linernotes-cli-jobs-'));
    await chmod(workDir, 0o755);
    harness = await startHarness({ sims: { seed: 31, artists: ARTISTS, specialNames: false } });
  }, 60_000);
  afterAll(async () => {
    await harness.close();
    await rm(workDir, { recursive: true, force: true });
  });

  it('warms from a pipe, printing a line per 10% and the run summary', async () => {
    const result = await runCli(['warm'], { env: harness.env, cwd: workDir });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      new RegExp(
        `^cache-warm run \\d+ succeeded\\n${ARTISTS} artists: ${ARTISTS} fetched, 0 already cached, 0 failed\\nsources: `,
      ),
    );
    const progressLines = result.stderr.split('\n').filter((line) => line.startsWith('cache-warm: '));
    expect(progressLines.at(-1)).toMatch(new RegExp(`^cache-warm: 100% \\(${ARTISTS}/${ARTISTS}\\)`));
    expect(progressLines.length).toBeLessThanOrEqual(11);
    expect(result.stderr).not.toMatch(/\r/);
  }, 60_000);

  it('draws a progress bar with rate and ETA on a terminal', async () => {
    const result = await runInTerminal(['warm', '--force'], harness.env, workDir);
    expect(result.code).toBe(0);
    expect(result.output).toMatch(/cache-warm \[[\u2588\u2591]+\] \d+% \d+\/\d+ \| [\d.]+\/s \| ETA /);
    expect(result.output).toMatch(/cache-warm run \d+ succeeded/);
  }, 60_000);

  it('prints stats and the job history as tables or JSON', async () => {
    const stats = await runCli(['stats', '--json'], { env: harness.env, cwd: workDir });
    expect(stats.code).toBe(0);
    const parsed = JSON.parse(stats.stdout) as {
      totals: { artists: number };
      statistics: { artists: { fresh: number } };
      lastRuns: Array<{ kind: string; status: string }>;
    };
    expect(parsed.totals.artists).toBe(ARTISTS);
    expect(parsed.statistics.artists.fresh).toBe(ARTISTS);
    expect(parsed.lastRuns).toContainEqual(expect.objectContaining({ kind: 'cache-warm', status: 'succeeded' }));

    const table = await runCli(['stats'], { env: harness.env, cwd: workDir });
    expect(table.stdout).toMatch(new RegExp(`^artists\\s+${ARTISTS}\\s+${ARTISTS}\\s`, 'm'));
    expect(table.stdout).toMatch(/^artists by source: /m);

    const jobs = await runCli(['jobs', '--kind', 'cache-warm', '--limit', '5'], { env: harness.env, cwd: workDir });
    expect(jobs.code).toBe(0);
    const lines = jobs.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^ID\s+KIND\s+STATUS\s+TRIGGER/);
    expect(lines.slice(1).every((line) => /^\d+\s+cache-warm\s+succeeded\s+cli/.test(line))).toBe(true);
    expect(lines).toHaveLength(3);

    const json = await runCli(['jobs', '--json'], { env: harness.env, cwd: workDir });
    expect((JSON.parse(json.stdout) as unknown[]).length).toBe(2);
  }, 60_000);

  it('stops the bar before printing the cancel message when Ctrl-C is typed on a terminal', async () => {
    harness.sims.lastfm.faults.set({ latencyMs: 200 });
    try {
      const result = await interruptInTerminal(
        ['warm', '--force', '--concurrency', '1'],
        harness.env,
        workDir,
        /cache-warm \[[\u2588\u2591]+\] [1-9]\d*%/,
      );
      expect(result.code).toBe(130);
      const lines = result.output.split(/\r?\n/);
      const cancelling = lines.find((line) => line.includes('cache-warm: cancelling at the next check point'));
      expect(cancelling, result.output).toBeDefined();
      expect(cancelling).not.toMatch(/[\u2588\u2591]|ETA/);
      // cli-progress saves the cursor where the bar starts and restores it (ESC 8) when it stops: a
      // message written before the stop is overwritten by the lines after it. So: the stop, then the message.
      const message = result.output.indexOf('cache-warm: cancelling');
      expect(result.output.lastIndexOf('\u001b8')).toBeGreaterThan(-1);
      expect(result.output.lastIndexOf('\u001b8')).toBeLessThan(message);
      expect(result.output.slice(message)).not.toMatch(/[\u2588\u2591]/);
      expect(result.output).toMatch(/cache-warm run \d+ cancelled/);
    } finally {
      harness.sims.lastfm.faults.reset();
    }
  }, 60_000);

  it('cancels gracefully on Ctrl-C, records the run as cancelled and exits non-zero', async () => {
    harness.sims.lastfm.faults.set({ latencyMs: 200 });
    try {
      const running = startCli(['warm', '--force', '--concurrency', '1'], { env: harness.env, cwd: workDir });
      await running.waitForOutput(/cache-warm: 10%/);
      running.child.kill('SIGINT');
      const result = await running.exited;
      expect(result.code).toBe(130);
      const runId = Number(/cache-warm run (\d+) cancelled/.exec(result.stdout)?.[1]);
      expect((await getRun(harness.db.prisma, runId))?.status).toBe('cancelled');
    } finally {
      harness.sims.lastfm.faults.reset();
    }
  }, 60_000);

  it('rejects bad input with a clear message and changes nothing', async () => {
    const before = (await harness.db.pool.query('SELECT count(*)::int AS count FROM job_runs')).rows[0];
    const tooMany = await runCli(['warm', '--concurrency', '99'], { env: harness.env, cwd: workDir });
    expect(tooMany.code).toBe(2);
    expect(tooMany.stderr).toContain(
      'linernotes: invalid options for cache-warm: concurrency: Too big: expected number to be <=16',
    );
    const notANumber = await runCli(['refresh', '--limit', 'lots'], { env: harness.env, cwd: workDir });
    expect(notANumber.code).not.toBe(0);
    expect(notANumber.stderr).toContain("option '--limit <n>' argument 'lots' is invalid. expected a positive integer");
    expect(notANumber.code).toBe(2);
    // Commander's own refusals are bad input too.
    const unknown = await runCli(['wram'], { env: harness.env, cwd: workDir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("linernotes: unknown command 'wram'");
    const badChoice = await runCli(['jobs', '--status', 'done'], { env: harness.env, cwd: workDir });
    expect(badChoice.code).toBe(2);
    expect(badChoice.stderr).toContain("option '--status <status>' argument 'done' is invalid");
    const noDemo = await runCli(['--demo', 'stats'], { env: harness.env, cwd: workDir });
    expect(noDemo.code).toBe(2);
    expect(noDemo.stderr).toBe(
      'linernotes: no demo is running on .data/demo (linernotes-demo.env is missing): start it with `npm run demo` first\n',
    );
    const help = await runCli(['--help'], { env: harness.env, cwd: workDir });
    expect(help.code).toBe(0);
    const unconfirmed = await runCli(['cache', 'clear'], { env: harness.env, cwd: workDir });
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toContain(
      'refusing to remove ALL entries of artists, albums, tracks without confirmation; add --yes',
    );
    expect((await harness.db.pool.query('SELECT count(*)::int AS count FROM job_runs')).rows[0]).toEqual(before);
    expect((await harness.db.pool.query('SELECT count(*)::int AS count FROM artist_cache')).rows[0]).toEqual({
      count: ARTISTS,
    });
  }, 60_000);

  it('records nothing for a dry run: no run in the history, no entry written', async () => {
    await harness.db.pool.query(`DELETE FROM artist_cache WHERE id IN (SELECT id FROM artist_cache LIMIT 4)`);
    const runsBefore = (await harness.db.pool.query('SELECT count(*)::int AS count FROM job_runs')).rows[0];
    const result = await runCli(['warm', '--dry-run'], { env: harness.env, cwd: workDir });
    expect(result.code).toBe(0);
    const [summary, sources, header, ...providers] = result.stdout.trimEnd().split('\n');
    expect(summary).toMatch(
      new RegExp(
        `^cache-warm dry run: ${ARTISTS} artists, 80% fresh, 4 to fetch: ≈ 4 Last\\.fm requests at 4/s.* \\(nothing recorded\\)$`,
      ),
    );
    expect(sources).toBe(`sources: cached ${ARTISTS - 4}, would-fetch 4`);
    // Then the estimate per provider: Last.fm once per artist, Plex's section list, listing page and details.
    expect(header).toMatch(/^PROVIDER +REQUESTS +RATE +TIME +PAUSED UNTIL$/);
    expect(providers).toContainEqual(expect.stringMatching(/^lastfm +4 +4\/s +1 s +-$/));
    expect(providers).toContainEqual(expect.stringMatching(/^plex +3 +- +- +-$/));
    expect((await harness.db.pool.query('SELECT count(*)::int AS count FROM job_runs')).rows[0]).toEqual(runsBefore);
    expect((await harness.db.pool.query('SELECT count(*)::int AS count FROM artist_cache')).rows[0]).toEqual({
      count: ARTISTS - 4,
    });
    // Put them back for the tests that follow.
    expect((await runCli(['warm'], { env: harness.env, cwd: workDir })).code).toBe(0);
  }, 60_000);

  it('clears expired entries with --yes and reports the counts', async () => {
    await harness.db.pool.query(
      `UPDATE artist_cache SET expires_at = now() - interval '1 day' WHERE id IN (SELECT id FROM artist_cache LIMIT 3)`,
    );
    const result = await runCli(['cache', 'clear', '--expired', '--table', 'artists', '--yes'], {
      env: harness.env,
      cwd: workDir,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('artists: 3 removed\n');
    expect((await harness.db.pool.query('SELECT count(*)::int AS count FROM artist_cache')).rows[0]).toEqual({
      count: ARTISTS - 3,
    });
  }, 60_000);
});
