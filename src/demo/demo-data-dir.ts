// The demo's own PostgreSQL data folder. A marker file says a folder belongs to the demo, so that
// neither a `--data-dir` typo nor `--reset` can ever reuse or remove a real installation's data.
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

const MARKER = 'linernotes-demo.json';

export class DemoDataDirError extends Error {}

/** Creates the folder (or checks it is the demo's); with `reset`, empties it first. Returns whether it was new. */
export async function prepareDemoDataDir(dir: string, options: { reset: boolean }): Promise<{ created: boolean }> {
  const marker = path.join(dir, MARKER);
  if (existsSync(dir)) {
    const entries = await readdir(dir);
    if (entries.length > 0 && !entries.includes(MARKER)) {
      throw new DemoDataDirError(
        `${dir} holds data that is not the demo's (no ${MARKER}); the demo leaves it alone: pick another --data-dir`,
      );
    }
    if (options.reset) await rm(dir, { recursive: true, force: true });
  }
  const created = !existsSync(marker);
  await mkdir(dir, { recursive: true });
  if (created) {
    await writeFile(marker, `${JSON.stringify({ createdBy: 'npm run demo', at: new Date().toISOString() })}\n`);
  }
  return { created };
}
