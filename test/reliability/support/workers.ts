// `linernotes worker` child processes for the reliability scenarios, started and killed by the test.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type RunningCli, startCli } from '../../support/cli.ts';
import { NO_SCHEDULES } from '../../support/no-schedules.ts';

export interface WorkerFleet {
  /** `linernotes worker`, or the command `args` name (e.g. `serve --no-worker`) with the same settings. */
  start(extraEnv?: Record<string, string>, args?: string[]): RunningCli;
  /** SIGKILL: no shutdown code runs, as with a power cut or the OOM killer. */
  kill(worker: RunningCli): Promise<void>;
  /** Everything each worker started so far printed. */
  outputs(): string[];
  close(): Promise<void>;
}

export async function workerFleet(env: Record<string, string>): Promise<WorkerFleet> {
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'linernotes-reliability-'));
  await chmod(workDir, 0o755);
  const children: RunningCli[] = [];
  return {
    start: (extraEnv = {}, args = ['worker']) => {
      const worker = startCli(args, {
        env: { ...env, ...NO_SCHEDULES, LOG_LEVEL: 'info', ...extraEnv },
        cwd: workDir,
      });
      children.push(worker);
      return worker;
    },
    kill: async (worker) => {
      worker.child.kill('SIGKILL');
      await worker.exited;
    },
    outputs: () => children.map((child) => child.output()),
    close: async () => {
      for (const child of children)
        if (child.child.exitCode === null && child.child.signalCode === null) child.child.kill('SIGKILL');
      await Promise.all(children.map((child) => child.exited));
      await rm(workDir, { recursive: true, force: true });
    },
  };
}
