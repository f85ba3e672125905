// `linernotes export FILE` and `linernotes import FILE`: the cache as a portable snapshot.
import path from 'node:path';
import { exportSnapshot } from '../cache/snapshots/export-snapshot.ts';
import { importSnapshot } from '../cache/snapshots/import-snapshot.ts';
import { SnapshotError } from '../cache/snapshots/snapshot-format.ts';
import { SNAPSHOT_ENTITIES, type SnapshotEntity } from '../cache/snapshots/snapshot-tables.ts';
import { openCommandContext } from './command-context.ts';
import { inputFileProblem, outputFileProblem } from './file-arguments.ts';
import { formatTable } from './format-table.ts';

const LABELS: Record<SnapshotEntity, string> = {
  artist: 'artists',
  album: 'albums',
  track: 'tracks',
  audioFeatures: 'audioFeatures',
};

/** Exit code for a file that is not a snapshot this version reads (bad input). */
const BAD_INPUT = 2;

export async function exportCommand(file: string, options: { json: boolean }): Promise<number> {
  const problem = await outputFileProblem(file);
  if (problem !== undefined) {
    process.stderr.write(`linernotes: ${problem}; nothing was exported\n`);
    return BAD_INPUT;
  }
  const context = await openCommandContext({ runtime: false });
  try {
    const target = path.resolve(file);
    const result = await exportSnapshot(context.db.pool, target, new Date());
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ file: target, ...result }, null, 2)}\n`);
      return 0;
    }
    const summary = SNAPSHOT_ENTITIES.map((entity) => `${result.counts[entity]} ${LABELS[entity]}`).join(', ');
    process.stdout.write(
      `wrote ${target} (format ${result.header.version}, schema ${result.header.schema ?? 'none'}): ${summary}\n`,
    );
    return 0;
  } finally {
    await context.close();
  }
}

export async function importCommand(file: string, options: { json: boolean }): Promise<number> {
  const problem = await inputFileProblem(file);
  if (problem !== undefined) {
    process.stderr.write(`linernotes: ${problem}; nothing was imported\n`);
    return BAD_INPUT;
  }
  const context = await openCommandContext({ runtime: false });
  try {
    const source = path.resolve(file);
    const result = await importSnapshot(context.db.pool, source).catch((error: unknown) => {
      if (error instanceof SnapshotError) {
        process.stderr.write(`linernotes: ${source}: ${error.message}; nothing was imported\n`);
        return null;
      }
      if ((error as { code?: unknown }).code === 'ENOENT') {
        process.stderr.write(`linernotes: ${source}: no such file; nothing was imported\n`);
        return null;
      }
      throw error;
    });
    if (result === null) return BAD_INPUT;
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ file: source, ...result }, null, 2)}\n`);
      return 0;
    }
    const upgraded = result.upgraded ? `, upgraded from format ${result.header.version}` : '';
    const lines = [
      `imported ${source} (exported ${result.header.exportedAt || 'at an unknown time'}${upgraded})`,
      formatTable(
        ['TABLE', 'NEW', 'UPDATED', 'KEPT'],
        SNAPSHOT_ENTITIES.map((entity) => {
          const counts = result.counts[entity];
          return [LABELS[entity], counts.inserted, counts.updated, counts.kept];
        }),
      ),
      'KEPT: entries this install already had as new or newer (audio features also when their track is missing).',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } finally {
    await context.close();
  }
}
