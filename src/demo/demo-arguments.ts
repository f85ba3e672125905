// `npm run demo -- [options]`: command-line options and the few environment variables the demo reads.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_DEMO_DATA_DIR } from './demo-env-file.ts';

export interface DemoArguments {
  port: number;
  host: string;
  artists: number;
  fast: boolean;
  reset: boolean;
  dataDir: string;
  logLevel: string;
  apiToken: string | undefined;
}

export const DEMO_USAGE = `npm run demo -- [options]

  --port N        where linernotes listens (default: PORT or 4000)
  --host H        the address it binds (default: HOST or 127.0.0.1)
  --artists N     artists in the generated library (default 2000: about 6,900 albums, 74,000 tracks)
  --fast          lift the providers' rate limits, cut their latencies tenfold: an artist warm takes
                  about 15 s instead of a quarter of an hour, the album warm under a minute
  --reset         start from an empty cache (removes the demo's data folder first)
  --data-dir DIR  the demo's PostgreSQL data folder (default .data/demo)
  --help          this text

Environment: LOG_LEVEL (default warn), API_TOKEN (makes mutations need the token, as in production).`;

export class DemoUsageError extends Error {}

function integer(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new DemoUsageError(`${name} must be an integer from ${min} to ${max} (got ${JSON.stringify(raw)})`);
  }
  return value;
}

/** Throws DemoUsageError on a bad option; returns null when the user asked for --help. */
export function parseDemoArguments(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): DemoArguments | null {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        artists: { type: 'string' },
        fast: { type: 'boolean', default: false },
        reset: { type: 'boolean', default: false },
        'data-dir': { type: 'string' },
        help: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new DemoUsageError((error as Error).message);
  }
  if (values.help) return null;
  return {
    port: integer('--port', values.port ?? env.PORT, 4000, 0, 65535),
    host: values.host ?? (env.HOST?.trim() || '127.0.0.1'),
    artists: integer('--artists', values.artists, 2000, 1, 50_000),
    fast: values.fast,
    reset: values.reset,
    dataDir: path.resolve(cwd, values['data-dir'] ?? DEFAULT_DEMO_DATA_DIR),
    logLevel: env.LOG_LEVEL?.trim() || 'warn',
    apiToken: env.API_TOKEN?.trim() || undefined,
  };
}
