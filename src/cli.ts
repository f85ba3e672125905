// The `linernotes` command. Handlers only parse arguments and call into the service and jobs.
// Command modules are imported when their command runs: loading the GraphQL server and Prisma for
// `linernotes jobs` would cost seconds of start-up.
import { Argument, Command, type CommanderError, InvalidArgumentError, Option } from 'commander';
import { CLEARABLE_TABLES } from './cache/use-cases/clear-cache.ts';
import { JOB_KINDS, type JobKind } from './types.ts';

/** Exit code for bad input: an unknown command or option, a bad value, a port in use. */
const BAD_INPUT = 2;

function fail(error: unknown, code = 1): never {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`linernotes: ${message}\n`);
  process.exit(code);
}

async function exitWith(work: Promise<number>): Promise<void> {
  try {
    process.exit(await work);
  } catch (error) {
    fail(error);
  }
}

function positiveInteger(value: string): number {
  const parsed = Number(value);
  // Beyond the safe integers a number is no longer the digits typed (and no query can take it).
  if (!/^\d+$/.test(value) || parsed < 1 || !Number.isSafeInteger(parsed))
    throw new InvalidArgumentError('expected a positive integer');
  return parsed;
}

/** A positive integer up to `max`: for options whose value is used as is, with no job's own check behind it. */
function positiveIntegerUpTo(max: number): (value: string) => number {
  return (value) => {
    const parsed = positiveInteger(value);
    if (parsed > max) throw new InvalidArgumentError(`expected at most ${max}`);
    return parsed;
  };
}

/**
 * Commander's refusals in one line, as the command's other errors: its own text ("error: unknown option
 * '--jsn'" and a "Did you mean" hint on the next line) joined, and where the usage is, instead of the
 * whole help, which buries the one line that says what was wrong.
 */
function writeParseError(text: string, write: (line: string) => void): void {
  const message = text
    .replace(/^error: /, '')
    .trim()
    .replace(/\s*\n\s*/g, ' ')
    // An argument's control characters, echoed in the message, would drive the terminal: shown escaped.
    .replace(/\p{Cc}/gu, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
  write(`linernotes: ${message} (--help shows the usage)\n`);
}

async function serve(options: { worker: boolean; api: boolean }): Promise<void> {
  const { configOrExit } = await import('./cli/command-context.ts');
  const config = await configOrExit();
  if (options.api) {
    // Before the database and the worker start: a busy port is one line and exit code 2.
    const { assertPortFree, PortInUseError } = await import('./server/port-check.ts');
    await assertPortFree(config.host, config.port).catch((error: unknown) =>
      fail(error, error instanceof PortInUseError ? BAD_INPUT : 1),
    );
  }
  const { createLogger } = await import('./logger.ts');
  const logger = createLogger(config.logLevel);
  try {
    const { startService } = await import('./service.ts');
    const { exitOnSignals, survivePromiseRejections } = await import('./lifecycle.ts');
    survivePromiseRejections(logger);
    const service = await startService({ config, logger, ...options });
    exitOnSignals(service.stop, logger);
  } catch (error) {
    logger.debug({ err: error }, 'start-up failure');
    fail(error);
  }
}

async function runJob(kind: JobKind, options: Record<string, unknown>): Promise<void> {
  const { runJobCommand } = await import('./cli/run-job-command.ts');
  await exitWith(runJobCommand(kind, options));
}

const program = new Command()
  .name('linernotes')
  .description(
    'Metadata cache for Plex music libraries: genres, moods, statistics and audio features behind a GraphQL API.',
  )
  .option('--demo', 'work on the running `npm run demo` (its data folder and simulators) instead of .env')
  .configureOutput({ outputError: writeParseError })
  // Commander exits 1 on its own errors (unknown command, bad choice); bad input is 2 here. Help and
  // --version exit 0 as before. Set before the commands are added, so each of them inherits it.
  .exitOverride((error: CommanderError) => {
    process.exit(error.exitCode === 0 ? 0 : BAD_INPUT);
  })
  .hook('preAction', async (thisCommand) => {
    if (!thisCommand.opts<{ demo?: boolean }>().demo) return;
    const { DEFAULT_DEMO_DATA_DIR, DemoNotRunningError, readDemoEnvFile } = await import('./demo/demo-env-file.ts');
    const { useDemoEnvironment } = await import('./cli/command-context.ts');
    try {
      useDemoEnvironment(await readDemoEnvFile(DEFAULT_DEMO_DATA_DIR));
    } catch (error) {
      fail(error, error instanceof DemoNotRunningError ? BAD_INPUT : 1);
    }
  });

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
    const { configOrExit } = await import('./cli/command-context.ts');
    const config = await configOrExit();
    const { createLogger } = await import('./logger.ts');
    const logger = createLogger(config.logLevel, 'stderr');
    try {
      const { locateDatabase } = await import('./db/database.ts');
      const { prepareDatabase } = await import('./db/prepare-database.ts');
      const location = await locateDatabase(config, logger);
      try {
        const result = await prepareDatabase(location.url, logger);
        process.stdout.write(
          result.applied.length > 0
            ? `applied ${result.applied.length} migration(s): ${result.applied.join(', ')}\n`
            : 'database is up to date\n',
        );
      } finally {
        await location.embedded?.stop();
      }
    } catch (error) {
      logger.debug({ err: error }, 'migration failure');
      fail(error);
    }
  });

program
  .command('warm')
  .description('fetch what the cache lacks: artists (cache-warm), or albums with --albums (cache-warm-albums)')
  .option('--albums', 'warm albums instead of artists')
  .option('--concurrency <n>', 'entities in flight (1-16)', positiveInteger)
  .option('--dry-run', 'count what would be fetched; no provider calls beyond Plex, no writes')
  .option('--force', 'fetch every entity again, even fresh ones')
  .option('--estimate', 'print what the warm would cost (requests per provider, duration) without running it')
  .option('--json', 'with --estimate: print JSON')
  .action(
    async (options: {
      albums?: boolean;
      concurrency?: number;
      dryRun?: boolean;
      force?: boolean;
      estimate?: boolean;
      json?: boolean;
    }) => {
      const kind = options.albums ? 'cache-warm-albums' : 'cache-warm';
      if (options.estimate) {
        const { warmEstimateCommand } = await import('./cli/warm-estimate-command.ts');
        await exitWith(warmEstimateCommand(kind, { skipCached: !options.force, json: options.json ?? false }));
        return;
      }
      await runJob(kind, {
        ...(options.concurrency !== undefined && { concurrency: options.concurrency }),
        ...(options.dryRun && { dryRun: true }),
        ...(options.force && { skipCached: false }),
      });
    },
  );

program
  .command('refresh')
  .description('refresh entries about to expire, hot first (cache-refresh)')
  .option('--limit <n>', 'at most this many entries (1-100000)', positiveInteger)
  .action((options: { limit?: number }) =>
    runJob('cache-refresh', options.limit !== undefined ? { limit: options.limit } : {}),
  );

program
  .command('track-stats')
  .description(
    "refresh every track's play statistics from Plex (track-stats-refresh), or with --static its static metadata",
  )
  .option('--static', 'refresh the static tier instead (track-static-refresh)')
  .action((options: { static?: boolean }) =>
    runJob(options.static ? 'track-static-refresh' : 'track-stats-refresh', {}),
  );

program
  .command('audio-features')
  .description("fetch AudioMuse's audio features for tracks that lack them (audio-features-sync)")
  .action(() => runJob('audio-features-sync', {}));

program
  .command('stats')
  .description('what the cache holds and the last run of each job')
  .option('--json', 'print JSON')
  .action(async (options: { json?: boolean }) => {
    const { statsCommand } = await import('./cli/stats-command.ts');
    await exitWith(statsCommand({ json: options.json ?? false }));
  });

program
  .command('jobs')
  .description('job run history, newest first')
  .addOption(new Option('--kind <kind>', 'only this job kind').choices([...JOB_KINDS]))
  .addOption(
    new Option('--status <status>', 'only runs in this status').choices([
      'queued',
      'running',
      'succeeded',
      'failed',
      'cancelled',
    ]),
  )
  .option('--limit <n>', 'how many runs (1-10000)', positiveIntegerUpTo(10_000), 20)
  .option('--json', 'print JSON')
  .action(
    (options: {
      kind?: (typeof JOB_KINDS)[number];
      status?: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
      limit: number;
      json?: boolean;
    }) =>
      import('./cli/jobs-command.ts').then(({ jobsCommand }) =>
        exitWith(
          jobsCommand({
            kind: options.kind,
            status: options.status,
            limit: options.limit,
            json: options.json ?? false,
          }),
        ),
      ),
  );

const providers = program.command('providers').description('provider health and pauses');

providers
  .command('health')
  .description(
    'every provider for the whole installation: status, breaker, rate, the last hour’s requests, 429s and errors',
  )
  .option('--json', 'print JSON')
  .action(async (options: { json?: boolean }) => {
    const { providerHealthCommand } = await import('./cli/provider-health-command.ts');
    await exitWith(providerHealthCommand({ json: options.json ?? false }));
  });

providers
  .command('resume')
  .description('end the pause of a provider that refused our credentials (after fixing the key or the subscription)')
  .addArgument(new Argument('<provider>', 'the paused provider').choices(['lastfm', 'spotify']))
  .action(async (provider: 'lastfm' | 'spotify') => {
    const { providerResumeCommand } = await import('./cli/provider-resume-command.ts');
    await exitWith(providerResumeCommand(provider));
  });

program
  .command('cancel')
  .description('cancel a queued or running run (any process holding it stops at its next check point)')
  .argument('<runId>', 'the run id (see `linernotes jobs`)')
  .action(async (runId: string) => {
    const { cancelCommand } = await import('./cli/cancel-command.ts');
    await exitWith(cancelCommand(runId));
  });

program
  .command('cache')
  .description('cache maintenance')
  .command('clear')
  .description('remove expired entries (--expired) or all entries, from every table or one')
  .option('--expired', 'only expired entries')
  .addOption(new Option('--table <table>', 'only this table').choices([...CLEARABLE_TABLES]))
  .option('--yes', 'do not ask for confirmation')
  .action(async (options: { expired?: boolean; table?: (typeof CLEARABLE_TABLES)[number]; yes?: boolean }) => {
    const { cacheClearCommand } = await import('./cli/cache-clear-command.ts');
    await exitWith(
      cacheClearCommand({ expired: options.expired ?? false, table: options.table, yes: options.yes ?? false }),
    );
  });

program
  .command('coverage')
  .description(
    'how complete the metadata is: shares with genres, moods and audio features, by source; entries nobody knew or matched ambiguously; raw tags the genre rules drop or do not map',
  )
  .option('--tags <n>', 'how many raw tag candidates to list (1-200)', positiveIntegerUpTo(200), 20)
  .option('--json', 'print JSON')
  .action(async (options: { tags: number; json?: boolean }) => {
    const { coverageCommand } = await import('./cli/coverage-command.ts');
    await exitWith(coverageCommand({ tags: options.tags, json: options.json ?? false }));
  });

program
  .command('export')
  .description(
    'write the cache (entries, raw tags, timestamps, expiries; no secrets or job history) to a gzip snapshot',
  )
  .argument('<file>', 'the snapshot to write (replaced once complete)')
  .option('--json', 'print JSON')
  .action(async (file: string, options: { json?: boolean }) => {
    const { exportCommand } = await import('./cli/snapshot-commands.ts');
    await exitWith(exportCommand(file, { json: options.json ?? false }));
  });

program
  .command('import')
  .description('load a snapshot into the cache: newer entries win, expiries kept, nothing fetched')
  .argument('<file>', 'a snapshot written by `linernotes export` (any format version up to this one)')
  .option('--json', 'print JSON')
  .action(async (file: string, options: { json?: boolean }) => {
    const { importCommand } = await import('./cli/snapshot-commands.ts');
    await exitWith(importCommand(file, { json: options.json ?? false }));
  });

program
  .command('remerge')
  .description('recompute every artist and album from stored raw tags under the active genre rules (cache-remerge)')
  .action(() => runJob('cache-remerge', {}));

const rules = program.command('rules').description('the genre rules: export the active version, import a file');

rules
  .command('export')
  .description('write the active genre rules version to a JSON file')
  .argument('<file>', 'where to write it')
  .action(async (file: string) => {
    const { rulesExportCommand } = await import('./cli/rules-command.ts');
    await exitWith(rulesExportCommand(file));
  });

rules
  .command('import')
  .description('propose the rules of a JSON file and print the preview; --apply applies them and re-merges the cache')
  .argument('<file>', 'a file `rules export` wrote (edited or not)')
  .option('--apply', 'apply the proposal, then run cache-remerge in the foreground')
  .option('--json', 'print the preview as JSON')
  .action(async (file: string, options: { apply?: boolean; json?: boolean }) => {
    const { rulesImportCommand } = await import('./cli/rules-command.ts');
    await exitWith(rulesImportCommand(file, { apply: options.apply ?? false, json: options.json ?? false }));
  });

const tokens = program
  .command('tokens')
  .description('named app tokens: read, lookup or admin, each with an optional quota');

tokens
  .command('add')
  .description('make a token and print it (only this once)')
  .argument('<name>', 'the app the token is for')
  .option('--read', 'queries and subscriptions only')
  .option('--lookup', 'reads, plus lookupArtists and lookupAlbums (which spend provider budget)')
  .option('--admin', 'everything, as API_TOKEN')
  .option('--quota <n>', 'requests a minute, across every process', positiveInteger)
  .action(async (name: string, options: { read?: boolean; lookup?: boolean; admin?: boolean; quota?: number }) => {
    const scopes = (['read', 'lookup', 'admin'] as const).filter((scope) => options[scope]);
    const scope = scopes[0];
    if (scope === undefined || scopes.length > 1) fail('give exactly one of --read, --lookup or --admin', BAD_INPUT);
    const { tokensAddCommand } = await import('./cli/tokens-command.ts');
    await exitWith(tokensAddCommand({ name, scope, quotaPerMinute: options.quota }));
  });

tokens
  .command('list')
  .description('the tokens, their scope, quota and last use (never the tokens themselves)')
  .option('--json', 'print JSON')
  .action(async (options: { json?: boolean }) => {
    const { tokensListCommand } = await import('./cli/tokens-command.ts');
    await exitWith(tokensListCommand({ json: options.json ?? false }));
  });

tokens
  .command('revoke')
  .description('delete a token: every process refuses it from its next request')
  .argument('<name>', 'the token’s name')
  .action(async (name: string) => {
    const { tokensRevokeCommand } = await import('./cli/tokens-command.ts');
    await exitWith(tokensRevokeCommand(name));
  });

await program.parseAsync(process.argv);
