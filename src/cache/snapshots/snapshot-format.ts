// The snapshot file: a header line, one NDJSON record per entry, and a closing line with the counts (so
// that a cut-off file is noticed instead of half-imported). Compressed with gzip as a whole.
//
//   {"format":"linernotes-snapshot","version":2,"schema":"<last migration>","exportedAt":"…"}
//   {"entity":"artist","row":{"name_key":"…", …}}
//   {"end":true,"counts":{"artist":1,"album":0,"track":0,"audioFeatures":0}}
//
// Version 1 (linernotes before snapshots carried usage and closing counts) is read through
// upgrade-format-1.ts.
import { SNAPSHOT_ENTITIES, type SnapshotEntity } from './snapshot-tables.ts';

export const SNAPSHOT_FORMAT = 'linernotes-snapshot';
export const CURRENT_FORMAT_VERSION = 2;

export interface SnapshotHeader {
  format: typeof SNAPSHOT_FORMAT;
  version: number;
  /** The last database migration of the install that wrote it. */
  schema: string | null;
  exportedAt: string;
}

export type SnapshotRow = Record<string, unknown>;

export interface SnapshotRecord {
  entity: SnapshotEntity;
  row: SnapshotRow;
}

export type SnapshotCounts = Record<SnapshotEntity, number>;

/** A file that is not a snapshot this version can read; nothing was imported. */
export class SnapshotError extends Error {
  override name = 'SnapshotError';
}

export function emptyCounts(): SnapshotCounts {
  return { artist: 0, album: 0, track: 0, audioFeatures: 0 };
}

export function isSnapshotEntity(value: unknown): value is SnapshotEntity {
  return typeof value === 'string' && (SNAPSHOT_ENTITIES as readonly string[]).includes(value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseJsonLine(line: string, lineNumber: number): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    throw new SnapshotError(`line ${lineNumber} is not JSON`);
  }
  if (!isObject(parsed)) throw new SnapshotError(`line ${lineNumber} is not a JSON object`);
  return parsed;
}

export function parseHeader(line: string | undefined): SnapshotHeader {
  if (line === undefined) throw new SnapshotError('the file is empty');
  let parsed: Record<string, unknown>;
  try {
    parsed = parseJsonLine(line, 1);
  } catch {
    throw new SnapshotError('not a linernotes snapshot (the first line is not its header)');
  }
  if (parsed.format !== SNAPSHOT_FORMAT) {
    throw new SnapshotError('not a linernotes snapshot (the first line is not its header)');
  }
  const version = parsed.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new SnapshotError('the snapshot header has no valid format version');
  }
  if (version > CURRENT_FORMAT_VERSION) {
    throw new SnapshotError(
      `the snapshot has format version ${version}, newer than this linernotes reads (up to ${CURRENT_FORMAT_VERSION}): upgrade linernotes first`,
    );
  }
  return {
    format: SNAPSHOT_FORMAT,
    version,
    schema: typeof parsed.schema === 'string' ? parsed.schema : null,
    exportedAt: typeof parsed.exportedAt === 'string' ? parsed.exportedAt : '',
  };
}

/** A current-version record line, or the closing line's counts. */
export function parseRecordLine(
  parsed: Record<string, unknown>,
  lineNumber: number,
): SnapshotRecord | { end: SnapshotCounts } {
  if (parsed.end === true) {
    const counts = emptyCounts();
    const given = isObject(parsed.counts) ? parsed.counts : {};
    for (const entity of SNAPSHOT_ENTITIES) {
      const value = given[entity];
      if (typeof value !== 'number') throw new SnapshotError(`line ${lineNumber}: the closing counts lack ${entity}`);
      counts[entity] = value;
    }
    return { end: counts };
  }
  if (!isSnapshotEntity(parsed.entity) || !isObject(parsed.row)) {
    throw new SnapshotError(`line ${lineNumber} is not a snapshot record`);
  }
  return { entity: parsed.entity, row: parsed.row };
}
