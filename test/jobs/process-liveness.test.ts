// Each process holds an advisory lock for as long as it lives, on a connection of its own; the sweep takes
// a silent process for dead only when that lock is free. The lock is taken again when its connection is
// lost (a database restart ends every session), and a silent process is swept once its session is gone.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../support/harness.ts';
import { NO_SCHEDULES } from '../support/no-schedules.ts';

const LIVENESS_LOCKS = `
SELECT l.pid FROM pg_locks l
 WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
   AND l.classid = 1818587502 AND l.objid = (hashtext($1)::bigint & 4294967295)::text::oid`;

describe('the liveness lock of a process', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({
      sims: { seed: 94, artists: 2 },
      env: { ...NO_SCHEDULES, WORKER_STALE_SECONDS: '2' },
    });
  }, 60_000);
  afterAll(async () => {
    await harness?.close();
  });

  const holders = async (processId: string): Promise<number[]> =>
    (await harness.db.pool.query<{ pid: number }>(LIVENESS_LOCKS, [processId])).rows.map((row) => row.pid);

  it('is taken again on a new connection when its connection is ended', async () => {
    const id = harness.runtime.registry.id;
    const [first] = await holders(id);
    expect(first).toBeDefined();
    await harness.db.pool.query('SELECT pg_terminate_backend($1)', [first]);
    await expect
      .poll(async () => (await holders(id)).filter((pid) => pid !== first), { timeout: 10_000, interval: 50 })
      .toHaveLength(1);
  });

  it('keeps a silent process whose session is open, and sweeps one whose session is gone', async () => {
    const { pool } = harness.db;
    // A frozen process: its session holds its lock, and it does not beat.
    const frozen = new pg.Client({ connectionString: harness.db.url });
    await frozen.connect();
    try {
      expect((await frozen.query(`SELECT worker_process_hold_liveness('frozen-process') AS held`)).rows[0].held).toBe(
        true,
      );
      // Both silent for three stale periods, in one statement: a sweep that sees one sees both.
      await pool.query(
        `INSERT INTO worker_processes (id, hostname, pid, started_at, heartbeat_at) VALUES
           ('frozen-process', 'elsewhere', 1, now() - interval '1 minute', now() - interval '6 seconds'),
           ('killed-process', 'elsewhere', 2, now() - interval '1 minute', now() - interval '6 seconds')`,
      );
      const registered = async () =>
        (
          await pool.query<{ id: string }>(`SELECT id FROM worker_processes WHERE hostname = 'elsewhere' ORDER BY id`)
        ).rows.map((row) => row.id);
      // This process sweeps at every beat (a sixth of the stale period).
      await expect.poll(registered, { timeout: 10_000, interval: 50 }).toEqual(['frozen-process']);
      // Once its session ends, the frozen one goes too.
      await frozen.end();
      await expect.poll(registered, { timeout: 10_000, interval: 50 }).toEqual([]);
    } finally {
      await frozen.end().catch(() => undefined);
    }
  });
});
