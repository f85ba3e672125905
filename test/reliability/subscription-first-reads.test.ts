// Many progress subscriptions starting at once while their first read is slow (job_runs locked by
// another session) take only a few of the pool's connections: a plain query from another client is
// still answered. Without the queue in front of the first reads, every pool connection waits on the
// lock and the plain query waits with them. The subscriptions come over separate connections: reads
// that start in the same tick are batched by Prisma into one query and would not show it.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../support/harness.ts';
import { httpQuery, wsClient } from '../support/graphql-clients.ts';
import { NO_SCHEDULES } from '../support/no-schedules.ts';
import { type ApiServer, startApiServer } from '../api/support/api-server.ts';

// More than the pool's ten connections, so unqueued first reads would hold all of them. Each follows a
// different run id: identical subscriptions share one execution, and so one read.
const SUBSCRIPTIONS = 30;

describe('first reads of subscriptions starting at once', () => {
  let harness: Harness;
  let api: ApiServer;

  beforeAll(async () => {
    harness = await startHarness({ sims: { seed: 21, artists: 3 }, env: NO_SCHEDULES });
    api = await startApiServer(harness);
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    await harness?.close();
  });

  it('leave pool connections for other clients while the run table is locked', async () => {
    const started = await httpQuery<{ warmAlbumCache: { id: string } }>(
      api.url,
      'mutation { warmAlbumCache(input: { dryRun: true }) { id } }',
    );
    const runId = started.data?.warmAlbumCache.id;
    expect(runId).toBeDefined();

    const locker = new pg.Client({ connectionString: harness.db.url });
    const observer = new pg.Client({ connectionString: harness.db.url });
    await locker.connect();
    await observer.connect();
    const firstStates = new Map<string, string>();
    const ids = [runId ?? '', ...Array.from({ length: SUBSCRIPTIONS - 1 }, (_, index) => String(1_000_000 + index))];
    // One connection each: their subscribe messages arrive apart, not in one batch of reads.
    const clients = ids.map(() => wsClient(api.url));
    const disposers: Array<() => void> = [];
    let locked = false;
    try {
      await locker.query('BEGIN');
      locked = true;
      await locker.query('LOCK TABLE job_runs IN ACCESS EXCLUSIVE MODE');
      for (const [index, id] of ids.entries()) {
        disposers.push(
          (clients[index] as (typeof clients)[number]).subscribe<{ jobRunProgress: { status: string } }>(
            { query: 'subscription($id: ID!) { jobRunProgress(id: $id) { status } }', variables: { id } },
            {
              next: (message) => {
                if (!firstStates.has(id))
                  firstStates.set(
                    id,
                    message.data?.jobRunProgress.status ?? String(message.errors?.[0]?.extensions?.code),
                  );
              },
              error: (error) => {
                if (!firstStates.has(id))
                  firstStates.set(id, JSON.stringify(error).includes('NOT_FOUND') ? 'NOT_FOUND' : 'error');
              },
              complete: () => undefined,
            },
          ),
        );
      }
      // The subscriptions' reads have reached the database and wait on the lock.
      await expect
        .poll(
          async () => {
            const waiting = await observer.query<{ count: string }>(
              "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query ILIKE '%job_runs%'",
            );
            return Number(waiting.rows[0]?.count);
          },
          { timeout: 30_000, interval: 100 },
        )
        .toBeGreaterThanOrEqual(1);

      // Another client's query that does not touch the locked table is answered meanwhile.
      let deadlineTimer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'still waiting'>((resolve) => {
        deadlineTimer = setTimeout(() => resolve('still waiting'), 15_000);
      });
      const plain = httpQuery<{ artists: { totalCount: number } }>(api.url, '{ artists(first: 1) { totalCount } }');
      const answer = await Promise.race([plain, deadline]);
      clearTimeout(deadlineTimer);
      expect(answer).not.toBe('still waiting');
      expect(answer === 'still waiting' ? undefined : answer.errors).toBeUndefined();
      expect(firstStates.size).toBe(0);

      await locker.query('COMMIT');
      locked = false;
      // Once the lock is gone, every subscription gets its first answer: the run's state, or NOT_FOUND.
      await expect.poll(() => firstStates.size, { timeout: 30_000, interval: 100 }).toBe(SUBSCRIPTIONS);
      expect(firstStates.get(runId ?? '')).toBe('QUEUED');
      expect(new Set([...firstStates].filter(([id]) => id !== runId).map(([, state]) => state))).toEqual(
        new Set(['NOT_FOUND']),
      );
    } finally {
      if (locked) await locker.query('ROLLBACK').catch(() => undefined);
      for (const dispose of disposers) dispose();
      await Promise.all(clients.map((client) => client.dispose()));
      await locker.end();
      await observer.end();
    }
  }, 120_000);
});
