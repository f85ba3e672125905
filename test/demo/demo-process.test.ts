// `npm run demo` as a user runs it: its own embedded PostgreSQL in a data folder of its own, the
// dashboard and the API up, and after Ctrl-C (SIGINT) nothing left running.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';

const root = path.resolve(import.meta.dirname, '../..');

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Resolves with everything printed once `pattern` appears; rejects when the process exits first. */
function output(child: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      if (pattern.test(seen)) {
        child.stdout?.off('data', onData);
        resolve(seen);
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the demo exited (${code}) before printing ${pattern}:\n${seen}`)));
  });
}

describe('npm run demo', () => {
  let scratch: string | undefined;
  let child: ChildProcess | undefined;
  afterAll(async () => {
    if (child?.exitCode === null) child.kill('SIGKILL');
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('serves the dashboard over its own PostgreSQL, lets `linernotes --demo` warm it, and Ctrl-C leaves no process behind', async () => {
    // The demo's default folder (.data/demo) under a folder of the test's, which `linernotes --demo`
    // run from that folder finds. As root, the postgres user must be able to enter it.
    scratch = await mkdtemp(path.join(os.tmpdir(), 'linernotes-demo-'));
    await chmod(scratch, 0o755);
    const dataDir = path.join(scratch, '.data', 'demo');
    child = spawn(
      process.execPath,
      ['--import', 'tsx', 'scripts/demo.ts', '--port', '0', '--artists', '20', '--fast', '--data-dir', dataDir],
      {
        cwd: root,
        env: {
          ...process.env,
          LOG_LEVEL: 'error',
          DATABASE_URL: 'postgres://must-not-be-used.invalid/x',
          DATA_DIR: '/must/not/be/used',
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const printed = await output(child, /ready in [\d.]+ s/);
    expect(printed).toContain('linernotes demo: 20 artists');
    const url = /Dashboard {2}(http:\/\/\S+)\//.exec(printed)?.[1];
    expect(url).toBeDefined();

    expect((await fetch(`${url}/`)).headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const postmasterPid = Number(
      (await readFile(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8')).split('\n')[0],
    );
    expect(isAlive(postmasterPid)).toBe(true);

    // The CLI, from the folder the demo runs in, on the demo's cache and simulators (not on ./.data).
    const cliEnv = { DATABASE_URL: 'postgres://must-not-be-used.invalid/x' };
    const warm = await runCli(['--demo', 'warm'], { env: cliEnv, cwd: scratch });
    expect(warm.stderr).not.toMatch(/error|warn|ECONNREFUSED/i);
    expect(warm.code).toBe(0);
    expect(warm.stdout).toMatch(/^cache-warm run \d+ succeeded\n20 artists: 20 fetched, 0 already cached, 0 failed\n/);
    const stats = await runCli(['--demo', 'stats', '--json'], { env: cliEnv, cwd: scratch });
    expect((JSON.parse(stats.stdout) as { totals: { artists: number } }).totals.artists).toBe(20);
    expect(existsSync(path.join(scratch, '.data', 'postgres'))).toBe(false);

    let after = '';
    child.stdout?.on('data', (chunk: Buffer) => (after += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child?.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    // What it printed while stopping (its log lines go to stdout), in case it did not stop cleanly.
    expect(await exited, after).toBe(0);
    expect(isAlive(postmasterPid)).toBe(false);
    expect(existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
    // The CLI is told the demo is gone, rather than pointed at simulators that no longer answer.
    expect(existsSync(path.join(dataDir, 'linernotes-demo.env'))).toBe(false);
    expect((await runCli(['--demo', 'stats'], { env: cliEnv, cwd: scratch })).code).toBe(2);
  }, 120_000);
});
