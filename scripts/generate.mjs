// `npm install` runs this: `prisma generate` (client and Pothos types), then GraphQL codegen.
// Every Prisma 7 CLI command first tries to download the native schema engine, which these
// machines cannot reach; generate never uses it, so any existing file satisfies the check.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;
// The Pothos generator is a bin of @pothos/plugin-prisma; npm puts bins on PATH only inside npm scripts.
env.PATH = [path.resolve('node_modules/.bin'), env.PATH].join(path.delimiter);

function run(args) {
  const result = spawnSync(process.execPath, args, { stdio: 'inherit', env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

run([require.resolve('prisma/build/index.js'), 'generate']);
// Codegen is a development dependency; an install without it (--omit=dev) skips this step.
const codegenBin = path.resolve('node_modules/@graphql-codegen/cli/cjs/bin.js');
if (existsSync(codegenBin)) run([codegenBin, '--config', 'codegen.ts', '--silent']);
