// Writing the cache to a snapshot file, streamed: pages of rows are read in one consistent
// (repeatable-read) transaction, gzip-compressed and written as the file takes them, so memory stays
// flat however large the cache. The file appears under its name only once complete.
// Raw SQL for the transaction: its isolation level and time zone are set by statements Prisma does not send.
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type pg from 'pg';
import {
  CURRENT_FORMAT_VERSION,
  emptyCounts,
  SNAPSHOT_FORMAT,
  type SnapshotCounts,
  type SnapshotHeader,
} from './snapshot-format.ts';
import { latestMigration, readSnapshotPage } from './snapshot-rows.ts';
import { SNAPSHOT_ENTITIES, SNAPSHOT_TABLES } from './snapshot-tables.ts';

const PAGE_SIZE = 2_000;

export interface ExportResult {
  header: SnapshotHeader;
  counts: SnapshotCounts;
}

async function* snapshotLines(
  client: pg.PoolClient,
  header: SnapshotHeader,
  counts: SnapshotCounts,
): AsyncGenerator<string> {
  yield `${JSON.stringify(header)}\n`;
  for (const entity of SNAPSHOT_ENTITIES) {
    const table = SNAPSHOT_TABLES[entity];
    let after: string | null = null;
    do {
      const page = await readSnapshotPage(client, table, after, PAGE_SIZE);
      counts[entity] += page.rows.length;
      // The row is already JSON text from PostgreSQL: wrapped, not parsed again.
      if (page.rows.length > 0) yield page.rows.map((row) => `{"entity":"${entity}","row":${row}}\n`).join('');
      after = page.next;
    } while (after !== null);
  }
  yield `${JSON.stringify({ end: true, counts })}\n`;
}

export async function exportSnapshot(pool: pg.Pool, file: string, now: Date): Promise<ExportResult> {
  const client = await pool.connect();
  const partial = `${file}.partial`;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    // Timestamps are written in UTC whatever the server's time zone.
    await client.query(`SET LOCAL TIME ZONE 'UTC'`);
    const header: SnapshotHeader = {
      format: SNAPSHOT_FORMAT,
      version: CURRENT_FORMAT_VERSION,
      schema: await latestMigration(client),
      exportedAt: now.toISOString(),
    };
    const counts = emptyCounts();
    await pipeline(Readable.from(snapshotLines(client, header, counts)), createGzip(), createWriteStream(partial));
    await client.query('COMMIT');
    await rename(partial, file);
    return { header, counts };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    await rm(partial, { force: true });
    throw error;
  } finally {
    client.release();
  }
}
