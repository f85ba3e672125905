import { createRequire } from 'node:module';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);
// graphql 16 ships CJS and ESM builds but no "exports" map, so Node loads the CJS one for yoga and Pothos; our code (bundled
// by Vite, which prefers "module") must get that same file or graphql refuses types "from another module or realm".
const graphqlCjs = path.join(path.dirname(require.resolve('graphql/package.json')), 'index.js');

export default defineConfig({
  resolve: { alias: [{ find: /^graphql$/, replacement: graphqlCjs }] },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    // Much of the suite waits on real rate limits (Last.fm's 5/s, MusicBrainz's 1/s) rather than using
    // the CPU, so more files than cores run at once.
    maxWorkers: 4,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
  },
});
