// Runs the real `linernotes` command (bin/linernotes.mjs) as a child process.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/linernotes.mjs', import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A clean environment: nothing from the developer's shell leaks in except PATH and HOME. */
export function cliEnv(overrides: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'info', ...overrides };
}

export function runCli(
  args: string[],
  options: { env: Record<string, string>; cwd: string; input?: string },
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, env: cliEnv(options.env) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

export interface RunningCli {
  child: ChildProcess;
  output(): string;
  /** Resolves when the combined output matches, rejects if the process exits first or the time runs out. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<CliResult>;
}

/**
 * `ownProcessGroup` lets a test send a signal to the whole group, as a terminal's Ctrl-C does. `script`
 * runs another entry point than the CLI (Node's arguments before `args`, e.g. a loader and a file).
 */
export function startCli(
  args: string[],
  options: { env: Record<string, string>; cwd: string; ownProcessGroup?: boolean; script?: string[] },
): RunningCli {
  const child = spawn(process.execPath, [...(options.script ?? [BIN]), ...args], {
    cwd: options.cwd,
    env: cliEnv(options.env),
    detached: options.ownProcessGroup ?? false,
  });
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const listener of listeners) listener();
  };
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    notify();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    notify();
  });
  let done = false;
  const exited = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => {
      done = true;
      resolve({ code, signal, stdout, stderr });
      notify();
    });
  });
  return {
    child,
    exited,
    output: () => stdout + stderr,
    waitForOutput: (pattern, timeoutMs = 60_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const match = (stdout + stderr).match(pattern);
          if (match) {
            cleanup();
            resolve(match);
          } else if (done) {
            cleanup();
            reject(new Error(`process exited before ${pattern}:\n${stdout}${stderr}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out waiting for ${pattern}:\n${stdout}${stderr}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      }),
  };
}
