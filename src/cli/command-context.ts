// What a one-shot CLI command needs: the config, a migrated database (embedded or DATABASE_URL),
// and, for commands that run jobs, the process runtime. Everything is closed in reverse order.
import { ConfigError, type Config, loadConfig, parseConfig } from '../config.ts';
import { connectDatabase, type Database, locateDatabase } from '../db/database.ts';
import { prepareDatabase } from '../db/prepare-database.ts';
import { createLogger, type Logger } from '../logger.ts';
import { survivePromiseRejections } from '../lifecycle.ts';
import { type ProcessRuntime, startProcessRuntime } from '../process-runtime.ts';

export interface CommandContext {
  config: Config;
  logger: Logger;
  db: Database;
  runtime?: ProcessRuntime;
  close(): Promise<void>;
}

let demoEnvironment: Record<string, string> | undefined;

/**
 * `linernotes --demo`: the running demo's environment replaces `.env` and the process environment
 * (LOG_LEVEL aside), so that no real DATABASE_URL or credential mixes into the demo's cache.
 */
export function useDemoEnvironment(env: Record<string, string>): void {
  demoEnvironment = env;
}

export async function configOrExit(): Promise<Config> {
  try {
    if (demoEnvironment) {
      const logLevel = process.env.LOG_LEVEL;
      return parseConfig({ ...demoEnvironment, ...(logLevel !== undefined ? { LOG_LEVEL: logLevel } : {}) });
    }
    return await loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const problem of error.problems) process.stderr.write(`linernotes: invalid configuration: ${problem}\n`);
      process.exit(2);
    }
    throw error;
  }
}

/** Logs go to stderr so that stdout carries only the command's output (tables, JSON). */
export async function openCommandContext(options: { runtime: boolean }): Promise<CommandContext> {
  const config = await configOrExit();
  // A progress bar and log lines do not mix: only warnings and errors unless LOG_LEVEL asks for more.
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, 'stderr');
  survivePromiseRejections(logger);
  const location = await locateDatabase(config, logger);
  const cleanups: Array<() => Promise<void>> = [];
  if (location.embedded) cleanups.push(location.embedded.stop);
  const close = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  };
  try {
    await prepareDatabase(location.url, logger);
    const db = connectDatabase(location.url, logger, 4);
    cleanups.push(db.close);
    let runtime: ProcessRuntime | undefined;
    if (options.runtime) {
      runtime = await startProcessRuntime({ config, db, logger });
      cleanups.push(runtime.stop);
    }
    return { config, logger, db, runtime, close };
  } catch (error) {
    await close();
    throw error;
  }
}
