// The service as a new user runs it: the real `linernotes` command in a child process.
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLocalMigrations } from '../src/db/migrator.ts';
import { runCli, startCli } from './support/cli.ts';
import { createTestDatabase } from './support/database.ts';
import { debianPostgresAvailable, startDebianPostgres } from './support/debian-postgres.ts';
import { httpQuery } from './support/graphql-clients.ts';

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

let workDir: string;
beforeAll(async () => {
  workDir = await mkdtemp(path.join(os.tmpdir(), 'linernotes-cli-'));
  // As root, the embedded server runs as the OS user `postgres`, which must be able to enter DATA_DIR.
  await chmod(workDir, 0o755);
});
afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

describe('configuration errors', () => {
  it.each([
    [{ PORT: 'abc' }, /^linernotes: invalid configuration: PORT must be an integer from 0 to 65535 \(got "abc"\)\n$/],
    [
      { TTL_JITTER_PERCENT: '150' },
      /^linernotes: invalid configuration: TTL_JITTER_PERCENT must be an integer from 0 to 50 \(got "150"\)\n$/,
    ],
    [
      { CACHE_REFRESH_CRON: 'every hour' },
      /^linernotes: invalid configuration: CACHE_REFRESH_CRON must be a five-field cron expression/,
    ],
  ])('stop `serve` with exit code 2 and one line naming the variable: %o', async (env, expected) => {
    const result = await runCli(['serve'], { env, cwd: workDir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(expected);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stdout).toBe('');
  });
});

describe('linernotes migrate', () => {
  it('succeeds twice when started at the same moment on an empty database', async () => {
    const database = await createTestDatabase();
    try {
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      await client.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public; DROP SCHEMA graphile_worker CASCADE');
      await client.end();

      const [first, second] = await Promise.all([
        runCli(['migrate'], { env: { DATABASE_URL: database.url }, cwd: workDir }),
        runCli(['migrate'], { env: { DATABASE_URL: database.url }, cwd: workDir }),
      ]);
      expect([first?.code, second?.code]).toEqual([0, 0]);
      const names = (await readLocalMigrations()).map((migration) => migration.name);
      const outputs = [first?.stdout, second?.stdout].sort();
      expect(outputs).toEqual([
        `applied ${names.length} migration(s): ${names.join(', ')}\n`,
        'database is up to date\n',
      ]);
    } finally {
      await database.drop();
    }
  });
});

describe('linernotes serve with the embedded PostgreSQL', () => {
  it('starts on a fresh data directory, answers, stops cleanly on SIGTERM, reuses the data on the next start, and survives a terminal Ctrl-C', async () => {
    const dataDir = path.join(workDir, 'embedded-data');
    const env = { DATA_DIR: dataDir, PORT: '0', CACHE_WARM_CRON: 'off' };

    const first = startCli(['serve'], { env, cwd: workDir });
    const [, url] = await first.waitForOutput(/"url":"(http:\/\/[^"]+)\/graphql"/);
    await first.waitForOutput(/Worker connected/);
    expect(first.output()).toContain('creating the embedded PostgreSQL cluster');
    const baseUrl = url ?? '';
    expect((await httpQuery(baseUrl, '{ cacheStats { artists { total } } }')).data).toEqual({
      cacheStats: { artists: { total: 0 } },
    });
    const postmasterPid = Number(readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
    expect(processAlive(postmasterPid)).toBe(true);

    // Leave something behind to find on the next start.
    const serverUrl = JSON.parse(readFileSync(path.join(dataDir, 'embedded-postgres.json'), 'utf8')) as {
      password: string;
    };
    const port = Number(readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[3]);
    const client = new pg.Client({
      connectionString: `postgresql://postgres:${serverUrl.password}@127.0.0.1:${port}/linernotes`,
    });
    await client.connect();
    await client.query(`INSERT INTO job_runs (kind, trigger) VALUES ('cache-warm', 'cli')`);
    await client.end();

    const started = Date.now();
    first.child.kill('SIGTERM');
    const result = await first.exited;
    expect(result.code).toBe(0);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(processAlive(postmasterPid)).toBe(false);
    expect(existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);

    const second = startCli(['serve'], { env, cwd: workDir, ownProcessGroup: true });
    const [, secondUrl] = await second.waitForOutput(/"url":"(http:\/\/[^"]+)\/graphql"/);
    expect(second.output()).not.toContain('creating the embedded PostgreSQL cluster');
    expect((await httpQuery(secondUrl ?? '', '{ cacheStats { jobRuns { total } } }')).data).toEqual({
      cacheStats: { jobRuns: { total: 1 } },
    });
    const secondPostmaster = Number(
      readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0],
    );
    // Ctrl-C in a terminal signals the whole foreground process group: PostgreSQL must not be in it,
    // or it would shut down before the service has finished its graceful stop.
    process.kill(-(second.child.pid ?? 0), 'SIGINT');
    const secondResult = await second.exited;
    expect(secondResult.code).toBe(0);
    expect(secondResult.stdout + secondResult.stderr).not.toMatch(/terminating connection|uncaught|Error:/i);
    expect(processAlive(secondPostmaster)).toBe(false);
  }, 120_000);
});

describe('linernotes serve on a port in use', () => {
  it('says so in one line and exits 2, before it touches the database', async () => {
    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', () => resolve()));
    const port = (busy.address() as net.AddressInfo).port;
    try {
      const dataDir = path.join(workDir, 'busy-port-data');
      const result = await runCli(['serve'], { env: { DATA_DIR: dataDir, PORT: String(port) }, cwd: workDir });
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        `linernotes: port ${port} on 127.0.0.1 is in use (another linernotes, or another program): stop it or set PORT to a free port\n`,
      );
      expect(result.stdout).toBe('');
      // No PostgreSQL was started (not even its data folder created), no worker joined.
      expect(existsSync(dataDir)).toBe(false);
    } finally {
      await new Promise<void>((resolve) => busy.close(() => resolve()));
    }
  }, 60_000);
});

describe('two linernotes serve on one data directory', () => {
  it('the second takes the embedded PostgreSQL over when the first stops, and recovers without a restart', async () => {
    const dataDir = path.join(workDir, 'shared-data');
    const env = { DATA_DIR: dataDir, PORT: '0', CACHE_WARM_CRON: 'off' };
    const first = startCli(['serve'], { env, cwd: workDir });
    await first.waitForOutput(/GraphQL API listening/);
    const firstPostmaster = Number(
      readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0],
    );

    const second = startCli(['serve'], { env, cwd: workDir });
    const [, url] = await second.waitForOutput(/"url":"(http:\/\/[^"]+)\/graphql"/);
    expect(second.output()).toContain('using the embedded PostgreSQL that another linernotes process runs');
    const secondUrl = url ?? '';
    await second.waitForOutput(/Worker connected/);
    expect((await fetch(`${secondUrl}/readyz`)).status).toBe(200);

    first.child.kill('SIGTERM');
    expect((await first.exited).code).toBe(0);
    expect(processAlive(firstPostmaster)).toBe(false);

    // The second starts the server again on the same port; its pools and its worker reconnect.
    await second.waitForOutput(/embedded PostgreSQL started/, 30_000);
    const takenOver = Number(readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
    expect(takenOver).not.toBe(firstPostmaster);
    const deadline = Date.now() + 30_000;
    let ready = 0;
    while (Date.now() < deadline) {
      ready = (await fetch(`${secondUrl}/readyz`)).status;
      if (ready === 200) break;
      await delay(200);
    }
    expect(ready).toBe(200);
    expect((await httpQuery(secondUrl, '{ cacheStats { artists { total } } }')).data).toEqual({
      cacheStats: { artists: { total: 0 } },
    });

    // It owns the server now: its graceful stop stops PostgreSQL too.
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
    expect(processAlive(takenOver)).toBe(false);
  }, 120_000);
});

describe('linernotes serve after a SIGKILL', () => {
  it('adopts the embedded PostgreSQL left running, serves, and stops it on the next graceful stop', async () => {
    const dataDir = path.join(workDir, 'killed-data');
    const env = { DATA_DIR: dataDir, PORT: '0', CACHE_WARM_CRON: 'off' };
    const killed = startCli(['serve', '--no-worker'], { env, cwd: workDir });
    await killed.waitForOutput(/GraphQL API listening/);
    const orphan = Number(readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
    killed.child.kill('SIGKILL');
    await killed.exited;
    expect(processAlive(orphan)).toBe(true);

    const next = startCli(['serve', '--no-worker'], { env, cwd: workDir });
    const [, url] = await next.waitForOutput(/"url":"(http:\/\/[^"]+)\/graphql"/);
    expect(next.output()).toContain('adopting the embedded PostgreSQL left running');
    expect((await httpQuery(url ?? '', '{ cacheStats { artists { total } } }')).data).toEqual({
      cacheStats: { artists: { total: 0 } },
    });
    next.child.kill('SIGTERM');
    expect((await next.exited).code).toBe(0);
    expect(processAlive(orphan)).toBe(false);
  }, 120_000);
});

describe.skipIf(!debianPostgresAvailable)('linernotes serve with DATABASE_URL on PostgreSQL 15', () => {
  it('migrates and answers', async () => {
    const server = await startDebianPostgres();
    try {
      const running = startCli(['serve', '--no-worker'], {
        env: { DATABASE_URL: server.url, PORT: '0' },
        cwd: workDir,
      });
      const [, url] = await running.waitForOutput(/"url":"(http:\/\/[^"]+)\/graphql"/);
      const ready = await fetch(`${url}/readyz`);
      expect(await ready.json()).toEqual({ status: 'ready', database: true, migrations: true });
      expect((await httpQuery(url ?? '', '{ cacheStats { artists { total } } }')).data).toEqual({
        cacheStats: { artists: { total: 0 } },
      });
      running.child.kill('SIGTERM');
      expect((await running.exited).code).toBe(0);
    } finally {
      await server.stop();
    }
  }, 120_000);
});
