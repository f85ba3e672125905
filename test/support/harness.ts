// linernotes against the simulators and a fresh test database, in this process: what job and API
// tests start from.
import { parseConfig, type Config } from '../../src/config.ts';
import { startProcessRuntime, type ProcessRuntime } from '../../src/process-runtime.ts';
import { silentLogger } from '../../src/logger.ts';
import { createProviders, type ProviderDependencies } from '../../src/providers/create-providers.ts';
import { startSimulators, type Simulators, type SimulatorsOptions } from '../../src/simulators/index.ts';
import { openTestDatabase } from './database.ts';

export interface Harness {
  sims: Simulators;
  db: Awaited<ReturnType<typeof openTestDatabase>>;
  config: Config;
  runtime: ProcessRuntime;
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function startHarness(
  options: {
    sims?: SimulatorsOptions;
    env?: Record<string, string>;
    /** Provider knobs beyond the environment (small timeouts, fast breakers) for this process's clients. */
    providerTuning?: Pick<ProviderDependencies, 'tuning' | 'perProvider'>;
  } = {},
): Promise<Harness> {
  const sims = await startSimulators(options.sims ?? {});
  const db = await openTestDatabase();
  const env: Record<string, string> = { ...sims.env, DATABASE_URL: db.url, ...options.env };
  const config = parseConfig(env);
  const logger = silentLogger();
  const providers =
    options.providerTuning === undefined
      ? undefined
      : createProviders(config.providers, { logger, contact: config.providers.contact, ...options.providerTuning });
  const runtime = await startProcessRuntime({ config, db, logger, providers });
  return {
    sims,
    db,
    config,
    runtime,
    env,
    close: async () => {
      await runtime.stop();
      await db.close();
      await sims.close();
    },
  };
}
