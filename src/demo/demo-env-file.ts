// While `npm run demo` runs, it leaves the environment linernotes runs with (its data folder and the
// simulators' addresses, which change at every start) in its data folder, so that `linernotes --demo`
// (or a shell that sources the file) works on the demo's cache. The file goes away when the demo stops.
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

const DEMO_ENV_FILE = 'linernotes-demo.env';
export const DEFAULT_DEMO_DATA_DIR = path.join('.data', 'demo');

/** Variables the CLI does not need and that should not sit in a file: the API token. */
const LEFT_OUT = new Set(['API_TOKEN', 'READ_TOKEN', 'LOG_LEVEL']);

export function demoEnvFilePath(dataDir: string): string {
  return path.join(dataDir, DEMO_ENV_FILE);
}

/** KEY="value" lines: both dotenv and a POSIX shell (`set -a; . file`) read them. */
export async function writeDemoEnvFile(dataDir: string, env: Readonly<Record<string, string>>): Promise<string> {
  const lines = Object.entries(env)
    .filter(([key]) => !LEFT_OUT.has(key))
    .map(([key, value]) => `${key}=${JSON.stringify(value)}`);
  const file = demoEnvFilePath(dataDir);
  await writeFile(file, `# written by npm run demo while it runs; removed when it stops\n${lines.join('\n')}\n`, {
    mode: 0o600,
  });
  return file;
}

export async function removeDemoEnvFile(dataDir: string): Promise<void> {
  await rm(demoEnvFilePath(dataDir), { force: true });
}

export class DemoNotRunningError extends Error {}

/** The running demo's environment; DemoNotRunningError when no demo runs on that folder. */
export async function readDemoEnvFile(dataDir: string): Promise<Record<string, string>> {
  const file = demoEnvFilePath(dataDir);
  if (!existsSync(file)) {
    throw new DemoNotRunningError(
      `no demo is running on ${dataDir} (${DEMO_ENV_FILE} is missing): start it with \`npm run demo\` first`,
    );
  }
  const { parse } = await import('dotenv');
  return parse(await readFile(file, 'utf8'));
}
