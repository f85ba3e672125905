// The processes a benchmark measures from outside: linernotes `serve` as shipped (bin/linernotes.mjs) and
// the baselines (a bare graphql-yoga hello-world), each in a child process of its own so that the load
// generator in the benchmark's process does not share their event loop.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface ChildServer {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

async function waitForHttp(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`${url}: the process exited with ${child.exitCode} before it listened`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function stopper(child: ChildProcess, cleanup: () => Promise<void> = async () => undefined): () => Promise<void> {
  return async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await cleanup();
  };
}

/** `linernotes serve` on a database, through the CLI's entry point (bin/linernotes.mjs) unless told otherwise. */
export async function startService(options: {
  databaseUrl: string;
  args?: string[];
  env?: Record<string, string>;
  /** How Node starts the CLI (default bin/linernotes.mjs), e.g. npm start's flags and dist/cli.js. */
  entry?: string[];
}): Promise<ChildServer> {
  const port = await freePort();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'linernotes-bench-data-'));
  const child = spawn(
    process.execPath,
    [...(options.entry ?? [path.join(ROOT, 'bin/linernotes.mjs')]), 'serve', ...(options.args ?? [])],
    {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        DATABASE_URL: options.databaseUrl,
        DATA_DIR: dataDir,
        HOST: '127.0.0.1',
        PORT: String(port),
        LOG_LEVEL: 'warn',
        CACHE_WARM_CRON: 'off',
        CACHE_REFRESH_CRON: 'off',
        TRACK_CACHE_REFRESH_CRON: 'off',
        TRACK_STATIC_REFRESH_CRON: 'off',
        AUDIO_FEATURES_CRON: 'off',
        ...options.env,
      },
    },
  );
  const url = `http://127.0.0.1:${port}`;
  const stop = stopper(child, () => rm(dataDir, { recursive: true, force: true }));
  try {
    await waitForHttp(`${url}/healthz`, child, 60_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, process: child, stop };
}

/** The baseline: graphql-yoga answering `{ hello }` on node:http, nothing else. */
export async function startBareYoga(): Promise<ChildServer> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'bench/support/bare-yoga.ts'), String(port)],
    {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  const stop = stopper(child);
  try {
    await waitForHttp(`${url}/graphql?query=%7Bhello%7D`, child, 30_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, process: child, stop };
}
