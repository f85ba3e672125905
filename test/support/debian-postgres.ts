// Debian's PostgreSQL 15 server binaries, started by hand as a second target: proves
// linernotes works with DATABASE_URL on another major version than the embedded 18.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const DEBIAN_PG15_BIN = '/usr/lib/postgresql/15/bin';
export const debianPostgresAvailable = existsSync(path.join(DEBIAN_PG15_BIN, 'postgres'));

function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return { uid, gid };
}

async function freePort(): Promise<number> {
  return await new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export async function startDebianPostgres(): Promise<{ url: string; stop(): Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'linernotes-pg15-'));
  await chmod(dir, 0o777);
  const dataDir = path.join(dir, 'data');
  const user = postgresUser();
  const ids = user ?? {};
  execFileSync(path.join(DEBIAN_PG15_BIN, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust'], {
    ...ids,
    stdio: 'ignore',
  });
  const port = await freePort();
  const child = spawn(
    path.join(DEBIAN_PG15_BIN, 'postgres'),
    ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${dir}`],
    { ...ids, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  await new Promise<void>((resolve, reject) => {
    let log = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('ready to accept connections')) resolve();
    });
    child.on('exit', () => reject(new Error(`PostgreSQL 15 did not start:\n${log}`)));
  });
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    stop: async () => {
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.kill('SIGINT');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
