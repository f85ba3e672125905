// `npm run demo` as a user runs it: its own embedded PostgreSQL in a data folder of its own, the
// dashboard and the API up, and after Ctrl-C (SIGINT) nothing left running.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

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
  let dataDir: string | undefined;
  let child: ChildProcess | undefined;
  afterAll(async () => {
    if (child?.exitCode === null) child.kill('SIGKILL');
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('serves the dashboard over its own PostgreSQL, and Ctrl-C leaves no process behind', async () => {
    // An empty folder is the demo's to take; the embedded PostgreSQL makes it reachable for the postgres
    // user when the tests run as root (a folder inside a private mkdtemp one would not be).
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'linernotes-demo-'));
    child = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts', '--port', '0', '--artists', '20', '--data-dir', dataDir], {
      cwd: root,
      env: { ...process.env, LOG_LEVEL: 'error', DATABASE_URL: 'postgres://must-not-be-used.invalid/x', DATA_DIR: '/must/not/be/used' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const printed = await output(child, /ready in [\d.]+ s/);
    expect(printed).toContain('linernotes demo: 20 artists');
    const url = /Dashboard {2}(http:\/\/\S+)\//.exec(printed)?.[1];
    expect(url).toBeDefined();

    expect((await fetch(`${url}/`)).headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const postmasterPid = Number((await readFile(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8')).split('\n')[0]);
    expect(isAlive(postmasterPid)).toBe(true);

    const exited = new Promise<number | null>((resolve) => child?.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(isAlive(postmasterPid)).toBe(false);
    expect(existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
  }, 120_000);
});
