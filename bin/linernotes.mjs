#!/usr/bin/env node
// Runs the compiled JavaScript in dist/ (`npm run build`, also run by `npm install`) when it is newer than
// every source file, so the service starts without a TypeScript loader; otherwise (a checkout being
// edited, or never built) the TypeScript sources through tsx's loader, so a stale build never runs.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const stamp = path.join(root, 'dist', '.built');

// What scripts/build.mjs compiles or copies into dist/.
function newestSource() {
  let newest = statSync(path.join(root, 'package.json')).mtimeMs;
  for (const dir of ['src', 'prisma/migrations']) {
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true, recursive: true })) {
      if (entry.isFile()) newest = Math.max(newest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
    }
  }
  return newest;
}

if (existsSync(stamp) && statSync(stamp).mtimeMs >= newestSource()) {
  await import('../dist/src/cli.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli.ts');
}
