// linernotes `serve` (API and worker in this process) pointed at the demo simulators. Used by
// `npm run demo` and by the browser test, so the test opens what a user would see.
import type { Logger } from '../logger.ts';
import { parseConfig } from '../config.ts';
import { startService, type Service } from '../service.ts';
import type { Simulators } from '../simulators/index.ts';
import { startDemoSimulators, type DemoSimulatorOptions } from './demo-simulators.ts';

export interface DemoOptions extends DemoSimulatorOptions {
  /** Where the embedded PostgreSQL keeps its data; ignored when databaseUrl is given. */
  dataDir?: string;
  /** An existing database (tests); the demo itself always runs its own embedded PostgreSQL. */
  databaseUrl?: string;
  host: string;
  /** 0 picks a free port. */
  port: number;
  apiToken?: string;
  logLevel: string;
  logger: Logger;
  /** More variables for linernotes (tests turn the schedule off this way). */
  env?: Record<string, string>;
}

export interface Demo {
  /** Origin of the HTTP server: the dashboard is at `${url}/`, GraphQL at `${url}/graphql`. */
  url: string;
  library: { artists: number; albums: number; tracks: number };
  sims: Simulators;
  service: Service;
  /** The environment linernotes runs with here: what `linernotes --demo` needs to work on this demo. */
  env: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

// `--fast`: the simulators have no limits, so linernotes need not keep any either. The rates are a
// budget shared by every process on the cache (the demo's worker and a `linernotes --demo` CLI split
// it), so they are set far above what 16 entries in flight can use.
const UNLIMITED_RATES: Record<string, string> = {
  LASTFM_RPS: '1000',
  MUSICBRAINZ_RPS: '1000',
  SPOTIFY_RPS: '1000',
  CACHE_WARM_CONCURRENCY: '16',
  ALBUM_WARM_CONCURRENCY: '16',
};

/** A URL a browser on this machine can open, also when the server listens on every interface. */
function browsableUrl(url: string): string {
  return url.replace('//0.0.0.0:', '//127.0.0.1:').replace('//[::]:', '//[::1]:');
}

export async function startDemo(options: DemoOptions): Promise<Demo> {
  const sims = await startDemoSimulators(options);
  try {
    // Built from scratch, not from process.env or .env: the demo must never pick up the user's real
    // DATABASE_URL, DATA_DIR or provider credentials.
    const env: Record<string, string> = {
      ...sims.env,
      HOST: options.host,
      PORT: String(options.port),
      LOG_LEVEL: options.logLevel,
      ...(options.databaseUrl !== undefined ? { DATABASE_URL: options.databaseUrl } : {}),
      ...(options.dataDir !== undefined ? { DATA_DIR: options.dataDir } : {}),
      ...(options.apiToken !== undefined ? { API_TOKEN: options.apiToken } : {}),
      // With the limits lifted, let the clients go as fast as the configuration allows.
      ...(options.unlimited ? UNLIMITED_RATES : {}),
      ...options.env,
    };
    const config = parseConfig(env);
    const service = await startService({ config, logger: options.logger, worker: true, api: true });
    const http = service.http;
    if (!http) {
      await service.stop();
      throw new Error('the service started without its HTTP server');
    }
    let stopping: Promise<void> | undefined;
    return {
      url: browsableUrl(http.url),
      library: { artists: sims.library.artistCount, albums: sims.library.albumCount, tracks: sims.library.trackCount },
      sims,
      service,
      env,
      // The service first (it stops the worker, which lets running jobs stop at a check point, and the
      // embedded PostgreSQL), then the simulators the jobs were talking to.
      stop: () => {
        stopping ??= service.stop().finally(() => sims.close());
        return stopping;
      },
    };
  } catch (error) {
    await sims.close();
    throw error;
  }
}
