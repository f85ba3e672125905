// `npm run build` (and `npm install`, after generate): compiles src/ to JavaScript in dist/,
// file for file, so that `npm start` runs plain Node without a TypeScript loader (tsx's loader alone holds tens of
// megabytes before any of our code runs). esbuild strips the types (it ships with tsx, a runtime
// dependency, so an install without dev dependencies can build too); it does not type-check (`npm run
// typecheck` does). The sources import each other as `./x.ts`; the output imports `./x.js`. Files that
// are not TypeScript (the dashboard's page and modules, the genre data), the migrations and package.json
// are copied as they are, so every path the code resolves from import.meta.url (../../prisma/migrations,
// ../../package.json, ../dashboard/) finds under dist/ the layout it finds in the checkout.
import { copyFile, mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const dist = path.join(root, 'dist');
const COMPILED = ['src'];
const COPIED = ['prisma/migrations', 'package.json'];

async function filesUnder(dir) {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}

// Relative specifiers of static imports, re-exports and dynamic imports, as esbuild prints them.
const TS_SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(["'])(\.{1,2}\/[^"']+)\.ts\2/g;
// tsx loads `import data from './x.json'` as it is; Node requires the import attribute.
const JSON_IMPORT = /(\bfrom\s*)(["'])(\.{1,2}\/[^"']+\.json)\2(?!\s*with)/g;

const files = (await Promise.all(COMPILED.map((dir) => filesUnder(path.join(root, dir))))).flat();
const copied = (
  await Promise.all(
    COPIED.map(async (entry) =>
      (await stat(path.join(root, entry))).isDirectory()
        ? filesUnder(path.join(root, entry))
        : [path.join(root, entry)],
    ),
  )
).flat();

// `--if-stale` (npm start): nothing to do while the last build is newer than every source file.
if (process.argv.includes('--if-stale')) {
  const built = await stat(path.join(dist, '.built')).catch(() => undefined);
  const newest = Math.max(
    ...(await Promise.all([...files, ...copied].map(async (file) => (await stat(file)).mtimeMs))),
  );
  if (built && built.mtimeMs >= newest) process.exit(0);
}
const typescript = files.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'));
await rm(dist, { recursive: true, force: true });
const result = await build({
  entryPoints: typescript,
  outdir: dist,
  outbase: root,
  bundle: false,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: false,
  write: false,
  logLevel: 'warning',
});
for (const output of result.outputFiles) {
  await mkdir(path.dirname(output.path), { recursive: true });
  const text = output.text
    .replace(TS_SPECIFIER, (_match, lead, quote, specifier) => `${lead}${quote}${specifier}.js${quote}`)
    .replace(
      JSON_IMPORT,
      (_match, lead, quote, specifier) => `${lead}${quote}${specifier}${quote} with { type: "json" }`,
    );
  await writeFile(output.path, text);
}
for (const file of [...files.filter((file) => !file.endsWith('.ts')), ...copied]) {
  const target = path.join(dist, path.relative(root, file));
  await mkdir(path.dirname(target), { recursive: true });
  await copyFile(file, target);
}
// When the build finished: bin/linernotes.mjs (and npm start) use dist/ only while no source is newer.
await writeFile(path.join(dist, '.built'), `${new Date().toISOString()}\n`);
console.log(`built ${typescript.length} modules into dist/`);
