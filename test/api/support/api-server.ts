// The GraphQL API in this process over a test harness's database and runtime: the same startApi as
// `linernotes serve` (run-event bus, usage tracker, yoga, HTTP server, graphql-ws), with the knobs tests
// need (a config variant, the interface to bind, the loopback check).
import type { Config } from '../../../src/config.ts';
import type { UsageTracker } from '../../../src/cache/use-cases/usage/usage-tracker.ts';
import { silentLogger } from '../../../src/logger.ts';
import { startApi } from '../../../src/server/start-api.ts';
import type { Harness } from '../../support/harness.ts';

export interface ApiServer {
  url: string;
  usage: UsageTracker;
  close(): Promise<void>;
}

export async function startApiServer(
  harness: Harness,
  options: {
    config?: Config;
    host?: string;
    isLoopback?: (address: string | undefined) => boolean;
    progressRecheckMs?: number;
  } = {},
): Promise<ApiServer> {
  const api = await startApi({
    config: options.config ?? harness.config,
    db: harness.db,
    logger: silentLogger(),
    runtime: harness.runtime,
    readiness: async () => ({ ready: true, checks: {} }),
    host: options.host ?? '127.0.0.1',
    port: 0,
    isLoopback: options.isLoopback,
    progressRecheckMs: options.progressRecheckMs,
  });
  return { url: api.http.url, usage: api.usage, close: api.stop };
}
