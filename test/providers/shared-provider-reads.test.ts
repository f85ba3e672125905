// Provider health read once for the requests of a second, against a real database: requests within the
// window share one read (and its answer), a later one reads again, and a read that failed is not kept.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import { connectDatabase } from '../../src/db/database.ts';
import { silentLogger } from '../../src/logger.ts';
import { SharedProviderReads } from '../../src/providers/shared-provider-reads.ts';
import { openTestDatabase } from '../support/database.ts';

describe('provider health shared by the requests of a second', () => {
  let db: Awaited<ReturnType<typeof openTestDatabase>>;
  const at = (ms: number) => new Date(Date.UTC(2026, 11, 4, 12, 0, 0, ms));

  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterAll(async () => {
    await db.close();
  });

  it('answers requests within the window from one read, and reads again after it', async () => {
    const config = parseConfig({ DATABASE_URL: db.testDatabase.url });
    const reads = new SharedProviderReads(db, config, 1_000);
    const first = reads.health(at(0));
    expect(reads.health(at(999))).toBe(first);
    const health = await first;
    expect(health.map((provider) => provider.provider)).toContain('lastfm');
    const later = reads.health(at(1_001));
    expect(later).not.toBe(first);
    expect(await later).toEqual(health);
  });

  it('does not keep a read that failed: the next request reads again', async () => {
    const gone = connectDatabase(db.testDatabase.url, silentLogger());
    await gone.close();
    const reads = new SharedProviderReads(gone, parseConfig({ DATABASE_URL: db.testDatabase.url }), 1_000);
    const failed = reads.health(at(0));
    await expect(failed).rejects.toThrow();
    const again = reads.health(at(10));
    expect(again).not.toBe(failed);
    await expect(again).rejects.toThrow();
  });
});
