// Loading a snapshot file into the cache, streamed: lines are read as the (gzip or plain) file yields
// them and upserted in batches, all in one transaction, so a file that turns out bad halfway changes
// nothing. Newer entries win by their fetch time (per tier for tracks), expiries come as written, and
// nothing is fetched from any provider.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import type pg from 'pg';
import {
  CURRENT_FORMAT_VERSION,
  emptyCounts,
  parseHeader,
  parseJsonLine,
  parseRecordLine,
  type SnapshotCounts,
  SnapshotError,
  type SnapshotHeader,
  type SnapshotRecord,
  type SnapshotRow,
} from './snapshot-format.ts';
import { createStagingTable, stageRows, type UpsertCounts, upsertStagedRows } from './snapshot-rows.ts';
import { SNAPSHOT_ENTITIES, SNAPSHOT_TABLES, type SnapshotEntity, snapshotColumns } from './snapshot-tables.ts';
import { upgradeFormat1Record } from './upgrade-format-1.ts';

const BATCH_SIZE = 1_000;
const GZIP_MAGIC = [0x1f, 0x8b];

export interface ImportResult {
  header: SnapshotHeader;
  /** True when the file was an older format, read through its upgrade step. */
  upgraded: boolean;
  counts: Record<SnapshotEntity, UpsertCounts>;
}

async function openSnapshot(file: string): Promise<Readable> {
  const handle = await open(file, 'r');
  const magic = Buffer.alloc(2);
  try {
    await handle.read(magic, 0, 2, 0);
  } finally {
    await handle.close();
  }
  const raw = createReadStream(file);
  if (magic[0] !== GZIP_MAGIC[0] || magic[1] !== GZIP_MAGIC[1]) return raw;
  const gunzip = createGunzip();
  raw.on('error', (error) => gunzip.destroy(error));
  return raw.pipe(gunzip);
}

/** Lines of the stream, pulled as they are consumed (the stream pauses while a batch is written). */
async function* readLines(stream: Readable): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  try {
    for await (const chunk of stream) {
      rest += decoder.write(chunk as Buffer);
      const lines = rest.split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) if (line.trim() !== '') yield line;
    }
  } catch (error) {
    if (error instanceof Error && 'code' in error && String(error.code).startsWith('Z_')) {
      throw new SnapshotError(`the file is not valid gzip (${error.message})`);
    }
    throw error;
  }
  rest += decoder.end();
  if (rest.trim() !== '') yield rest;
}

function checkRow(entity: SnapshotEntity, row: SnapshotRow, lineNumber: number): void {
  for (const column of snapshotColumns(SNAPSHOT_TABLES[entity])) {
    if (!(column in row)) throw new SnapshotError(`line ${lineNumber}: the ${entity} record lacks ${column}`);
  }
}

export async function importSnapshot(pool: pg.Pool, file: string): Promise<ImportResult> {
  const lines = readLines(await openSnapshot(file));
  const first = await lines.next();
  const header = parseHeader(first.done ? undefined : first.value);
  const counts = Object.fromEntries(
    SNAPSHOT_ENTITIES.map((entity) => [entity, { inserted: 0, updated: 0, kept: 0 }]),
  ) as Record<SnapshotEntity, UpsertCounts>;
  const read = emptyCounts();
  let closing: SnapshotCounts | null = null;
  let batch: SnapshotRow[] = [];
  let batchEntity: SnapshotEntity | null = null;
  let lineNumber = 1;

  const client = await pool.connect();
  const flush = async () => {
    if (batchEntity === null || batch.length === 0) return;
    await stageRows(client, batchEntity, batch);
    batch = [];
  };

  try {
    await client.query('BEGIN');
    await createStagingTable(client);
    for await (const line of lines) {
      lineNumber += 1;
      if (closing !== null) throw new SnapshotError(`line ${lineNumber} follows the closing line`);
      const parsed = parseJsonLine(line, lineNumber);
      let record: SnapshotRecord;
      if (header.version === 1) {
        record = upgradeFormat1Record(parsed, lineNumber);
      } else {
        const current = parseRecordLine(parsed, lineNumber);
        if ('end' in current) {
          closing = current.end;
          continue;
        }
        record = current;
      }
      checkRow(record.entity, record.row, lineNumber);
      if (record.entity !== batchEntity || batch.length >= BATCH_SIZE) {
        await flush();
        batchEntity = record.entity;
      }
      batch.push(record.row);
      read[record.entity] += 1;
    }
    await flush();
    if (header.version >= 2) {
      if (closing === null) throw new SnapshotError('the snapshot ends early: its closing line is missing');
      for (const entity of SNAPSHOT_ENTITIES) {
        if (closing[entity] !== read[entity]) {
          throw new SnapshotError(
            `the snapshot says it holds ${closing[entity]} ${entity} records but has ${read[entity]}`,
          );
        }
      }
    }
    for (const entity of SNAPSHOT_ENTITIES) {
      counts[entity] = await upsertStagedRows(client, entity, SNAPSHOT_TABLES[entity]).catch((error: unknown) => {
        // A value PostgreSQL cannot store (a malformed date, a wrong type) is the file's fault.
        const code = (error as { code?: unknown }).code;
        if (typeof code === 'string' && /^(22|23)/.test(code)) {
          throw new SnapshotError(`the ${entity} records were refused: ${(error as Error).message}`);
        }
        throw error;
      });
    }
    await client.query('COMMIT');
    return { header, upgraded: header.version < CURRENT_FORMAT_VERSION, counts };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
    await lines.return(undefined);
  }
}
