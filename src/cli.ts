// The `linernotes` command. Handlers only parse arguments and call into the service and jobs.
import { Command } from 'commander';
import { ConfigError, type Config, loadConfig } from './config.ts';
import { locateDatabase } from './db/database.ts';
import { migrateDatabase } from './db/migrator.ts';
import { exitOnSignals } from './lifecycle.ts';
import { createLogger, type Logger } from './logger.ts';
import { startService } from './service.ts';

async function configOrExit(): Promise<Config> {
  try {
    return await loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const problem of error.problems) process.stderr.write(`linernotes: invalid configuration: ${problem}\n`);
      process.exit(2);
    }
    throw error;
  }
}

function fail(error: unknown, logger?: Logger): never {
  const message = error instanceof Error ? error.message : String(error);
  logger?.debug({ err: error }, 'failure details');
  process.stderr.write(`linernotes: ${message}\n`);
  process.exit(1);
}

async function serve(options: { worker: boolean; api: boolean }): Promise<void> {
  const config = await configOrExit();
  const logger = createLogger(config.logLevel);
  try {
    const service = await startService({ config, logger, ...options });
    exitOnSignals(service.stop, logger);
  } catch (error) {
    fail(error, logger);
  }
}

const program = new Command()
  .name('linernotes')
  .description('Metadata cache for Plex music libraries: genres, moods, statistics and audio features behind a GraphQL API.')
  .showHelpAfterError();

program
  .command('serve')
  .description('run the GraphQL API and (unless --no-worker) the job worker')
  .option('--no-worker', 'serve the API only; run `linernotes worker` elsewhere')
  .action((options: { worker: boolean }) => serve({ worker: options.worker, api: true }));

program
  .command('worker')
  .description('run the job worker and the schedule, without the API')
  .action(() => serve({ worker: true, api: false }));

program
  .command('migrate')
  .description('apply database migrations and exit')
  .action(async () => {
    const config = await configOrExit();
    const logger = createLogger(config.logLevel, 'stderr');
    try {
      const location = await locateDatabase(config, logger);
      try {
        const result = await migrateDatabase(location.url, logger);
        process.stdout.write(
          result.applied.length > 0
            ? `applied ${result.applied.length} migration(s): ${result.applied.join(', ')}\n`
            : 'database is up to date\n',
        );
      } finally {
        await location.embedded?.stop();
      }
    } catch (error) {
      fail(error, logger);
    }
  });

await program.parseAsync(process.argv);
