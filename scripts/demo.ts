// `npm run demo`: linernotes with its own embedded PostgreSQL (under .data/demo), simulated providers
// with a generated library, and the dashboard. Ctrl-C stops the service, its PostgreSQL and the
// simulators, and nothing is left running.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { createLogger } from '../src/logger.ts';
import { exitOnSignals } from '../src/lifecycle.ts';
import { demoBanner } from '../src/demo/banner.ts';
import { DEMO_USAGE, DemoUsageError, parseDemoArguments } from '../src/demo/demo-arguments.ts';
import { DemoDataDirError, prepareDemoDataDir } from '../src/demo/demo-data-dir.ts';
import {
  DEFAULT_DEMO_DATA_DIR,
  demoEnvFilePath,
  removeDemoEnvFile,
  writeDemoEnvFile,
} from '../src/demo/demo-env-file.ts';
import { assertPortFree, PortInUseError } from '../src/server/port-check.ts';
import { startDemo } from '../src/demo/start-demo.ts';

function exitWithError(message: string, code: number): never {
  process.stderr.write(`demo: ${message}\n`);
  process.exit(code);
}

let args;
try {
  args = parseDemoArguments(process.argv.slice(2), process.env, process.cwd());
} catch (error) {
  if (error instanceof DemoUsageError) exitWithError(`${error.message}\n\n${DEMO_USAGE}`, 2);
  throw error;
}
if (args === null) {
  process.stdout.write(`${DEMO_USAGE}\n`);
  process.exit(0);
}

try {
  const { created } = await prepareDemoDataDir(args.dataDir, { reset: args.reset });
  // initdb takes a few seconds the first time; say so rather than look stuck.
  process.stdout.write(`${created ? 'creating' : 'starting'} the demo's PostgreSQL under ${args.dataDir}…\n`);
} catch (error) {
  if (error instanceof DemoDataDirError) exitWithError(error.message, 2);
  throw error;
}

try {
  // Before the database and the simulators start: a busy port is one line and exit code 2.
  await assertPortFree(args.host, args.port);
} catch (error) {
  if (error instanceof PortInUseError) exitWithError(`port ${args.port} is in use: try --port ${args.port + 1}`, 2);
  throw error;
}

const logger = createLogger(args.logLevel);
const startedAt = performance.now();
let demo;
try {
  demo = await startDemo({
    artists: args.artists,
    unlimited: args.fast,
    latencyScale: args.fast ? 0.1 : 1,
    dataDir: args.dataDir,
    host: args.host,
    port: args.port,
    apiToken: args.apiToken,
    logLevel: args.logLevel,
    logger,
  });
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') exitWithError(`port ${args.port} is in use: try --port ${args.port + 1}`, 2);
  exitWithError((error as Error).message, 1);
}

const envFile = await writeDemoEnvFile(args.dataDir, demo.env);
// Also when the process ends some other way: a stale file would point the CLI at simulators that are gone.
const demoDataDir = args.dataDir;
process.once('exit', () => rmSync(demoEnvFilePath(demoDataDir), { force: true }));
process.stdout.write(
  demoBanner({
    url: demo.url,
    library: demo.library,
    fast: args.fast,
    apiToken: args.apiToken !== undefined,
    dataDir: args.dataDir,
    envFile,
    defaultDataDir: path.resolve(DEFAULT_DEMO_DATA_DIR) === args.dataDir,
  }),
);
process.stdout.write(`(ready in ${((performance.now() - startedAt) / 1000).toFixed(1)} s)\n`);

const running = demo;
exitOnSignals(async () => {
  process.stdout.write('\nstopping the demo (service, PostgreSQL, simulators)…\n');
  await removeDemoEnvFile(demoDataDir);
  await running.stop();
  process.stdout.write('stopped.\n');
}, logger);
