// What the dashboard and example tests run against: the demo's own start-up (src/demo/start-demo.ts)
// with a small library, latencies shaped like the real services' but shorter, the real rate limits,
// and a fresh test database instead of the demo's embedded PostgreSQL.
import { silentLogger } from '../../src/logger.ts';
import { type Demo, startDemo } from '../../src/demo/start-demo.ts';
import { createTestDatabase } from '../support/database.ts';

// No scheduled run may start in the middle of a test and show up in the history.
const NO_SCHEDULE: Record<string, string> = {
  CACHE_WARM_CRON: 'off',
  CACHE_REFRESH_CRON: 'off',
  TRACK_CACHE_REFRESH_CRON: 'off',
  TRACK_STATIC_REFRESH_CRON: 'off',
  AUDIO_FEATURES_CRON: 'off',
};

export interface TestDemo extends Demo {
  close(): Promise<void>;
}

export async function startTestDemo(options: {
  artists: number;
  apiToken?: string;
  env?: Record<string, string>;
}): Promise<TestDemo> {
  const database = await createTestDatabase();
  try {
    const demo = await startDemo({
      artists: options.artists,
      seed: 11,
      // Last.fm answers in 25–75 ms instead of 100–300: runs take seconds, and still report progress.
      latencyScale: 0.25,
      databaseUrl: database.url,
      host: '127.0.0.1',
      port: 0,
      apiToken: options.apiToken,
      logLevel: 'silent',
      logger: silentLogger(),
      env: { ...NO_SCHEDULE, ...options.env },
    });
    return {
      ...demo,
      close: async () => {
        await demo.stop();
        await database.drop();
      },
    };
  } catch (error) {
    await database.drop();
    throw error;
  }
}
