// examples/follow-warm.ts, run as a user would run it, against a running linernotes: it starts a warm,
// prints progress lines while following it over graphql-ws, and exits 0 once the run SUCCEEDED.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDemo, type TestDemo } from './test-demo.ts';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const example = path.join(root, 'examples/follow-warm.ts');

describe('examples/follow-warm.ts', () => {
  let demo: TestDemo;
  beforeAll(async () => {
    demo = await startTestDemo({ artists: 16 });
  });
  afterAll(async () => {
    await demo?.close();
  });

  it('starts a warm, prints its progress and exits 0 when it succeeded', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', example], {
      cwd: root,
      env: { ...process.env, LINERNOTES_URL: demo.url, API_TOKEN: '' },
      timeout: 90_000,
    });
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^warm started: run \d+/);
    const progress = lines.filter((line) => / run \d+ running /.test(line));
    expect(progress.length).toBeGreaterThan(0);
    expect(stdout).toMatch(/run \d+ succeeded {2}16\/16 {2}100\.0%/);
    expect(lines.at(-1)).toMatch(/^run \d+ ended SUCCEEDED$/);
    // The cache holds what the run fetched.
    const response = await fetch(`${demo.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ cacheStats { artists { total } } }' }),
    });
    expect(await response.json()).toEqual({ data: { cacheStats: { artists: { total: 16 } } } });
  }, 120_000);

  it('exits non-zero and says why when linernotes refuses the warm', async () => {
    const refusing = await startTestDemo({ artists: 2, apiToken: 'the-right-token' });
    try {
      const failure = await run(process.execPath, ['--import', 'tsx', example], {
        cwd: root,
        env: { ...process.env, LINERNOTES_URL: refusing.url, API_TOKEN: 'a-wrong-token' },
        timeout: 60_000,
      }).then(
        () => undefined,
        (error: { code?: number; stderr?: string }) => error,
      );
      expect(failure?.code).toBe(2);
      expect(failure?.stderr).toMatch(/did not start the warm: NOT_ALLOWED \(WRONG_TOKEN\)/);
    } finally {
      await refusing.close();
    }
  }, 120_000);
});
