// A rejection nobody handles (a library's promise during a database outage) is logged and the process
// goes on serving, with no secret from the failing connection in its output. Without the guard, Node
// ends the process on such a rejection: the second case shows that the first one can fail.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startCli } from '../support/cli.ts';

const SCRIPT = fileURLToPath(new URL('./support/rejecting-process.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function startRejectingProcess(mode: 'guarded' | 'unguarded') {
  return startCli([mode], { env: {}, cwd: ROOT, script: ['--import', 'tsx', SCRIPT] });
}

describe('a promise rejection nobody handles', () => {
  it('is logged without secrets, and the process goes on answering', async () => {
    const running = startRejectingProcess('guarded');
    try {
      const [, port] = await running.waitForOutput(/"port":(\d+)/, 30_000);
      const [line] = await running.waitForOutput(/.*unhandled promise rejection.*/, 30_000);
      expect(JSON.parse(line)).toMatchObject({ level: 50, error: expect.stringContaining('ECONNREFUSED') });
      const answer = await fetch(`http://127.0.0.1:${port}/`);
      expect(await answer.text()).toBe('alive');
      expect(running.output()).not.toContain('s3cret-password');
    } finally {
      running.child.kill('SIGTERM');
      await running.exited;
    }
  }, 60_000);

  it('ends a process that has no guard', async () => {
    const running = startRejectingProcess('unguarded');
    const result = await running.exited;
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('ECONNREFUSED');
  }, 60_000);
});
