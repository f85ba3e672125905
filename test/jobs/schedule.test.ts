import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/logger.ts';
import { type Service, startService } from '../../src/service.ts';
import { scheduledKinds } from '../../src/jobs/schedule.ts';
import { buildCronItems } from '../../src/worker/crontab.ts';
import { JOB_KINDS } from '../../src/types.ts';
import { startSimulators, type Simulators } from '../../src/simulators/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { NO_SCHEDULES } from '../support/no-schedules.ts';

describe('the schedule', () => {
  it('builds one cron item per scheduled kind from the settings, with a backfill', () => {
    const config = parseConfig({ CACHE_WARM_CRON: '15 4 * * 6', TRACK_STATIC_REFRESH_CRON: 'off' });
    const items = buildCronItems(config, new Set(JOB_KINDS));
    expect(items.map((item) => item.identifier)).toEqual([
      'cache-warm',
      'cache-refresh',
      'track-stats-refresh',
      'audio-features-sync',
    ]);
    for (const item of items) {
      expect(item.task).toBe(item.identifier);
      expect(item.options.backfillPeriod).toBeGreaterThanOrEqual(3_600_000);
      expect(item.payload).toEqual({ trigger: 'schedule' });
    }
    expect(scheduledKinds(config).find((kind) => kind.task === 'cache-warm')?.match).toBe('15 4 * * 6');
    expect(buildCronItems(config, new Set(['cache-refresh']))).toHaveLength(1);
  });

  describe('an occurrence run by the worker', () => {
    let sims: Simulators;
    let database: TestDatabase;
    let service: Service;

    beforeAll(async () => {
      sims = await startSimulators({ seed: 41, artists: 6, specialNames: false });
      database = await createTestDatabase();
      const config = parseConfig({ ...sims.env, DATABASE_URL: database.url, ...NO_SCHEDULES });
      service = await startService({ config, logger: silentLogger(), worker: true, api: false });
    }, 60_000);
    afterAll(async () => {
      await service.stop();
      await database.drop();
      await sims.close();
    });

    it('gets its run row when it starts, and the weekly warm goes on to the albums', async () => {
      // What graphile-worker's crontab adds at the scheduled time.
      await service.db.pool.query(
        `SELECT graphile_worker.add_job('cache-warm', '{"trigger":"schedule","_cron":{"ts":"2026-11-22T03:00:00Z","backfilled":false}}'::json)`,
      );
      await expect
        .poll(
          async () =>
            (await service.db.pool.query(`SELECT kind, trigger, status FROM job_runs ORDER BY id`)).rows as Array<
              Record<string, string>
            >,
          { timeout: 60_000, interval: 200 },
        )
        .toEqual([
          { kind: 'cache-warm', trigger: 'schedule', status: 'succeeded' },
          { kind: 'cache-warm-albums', trigger: 'schedule', status: 'succeeded' },
        ]);
      const { rows } = await service.db.pool.query(
        'SELECT (SELECT count(*) FROM artist_cache)::int AS artists, (SELECT count(*) FROM album_cache)::int AS albums',
      );
      expect(rows[0].artists).toBe(6);
      expect(rows[0].albums).toBeGreaterThan(0);
    }, 90_000);

    it('is skipped, leaving one active run, when a run of that kind is already running', async () => {
      await service.db.pool.query(
        `INSERT INTO job_runs (kind, status, trigger, started_at) VALUES ('cache-refresh', 'running', 'api', now())`,
      );
      await service.db.pool.query(`SELECT graphile_worker.add_job('cache-refresh', '{"trigger":"schedule"}'::json)`);
      await expect
        .poll(
          async () =>
            Number(
              (
                await service.db.pool.query(
                  `SELECT count(*) FROM graphile_worker.jobs WHERE task_identifier = 'cache-refresh'`,
                )
              ).rows[0].count,
            ),
          {
            timeout: 20_000,
          },
        )
        .toBe(0);
      const { rows } = await service.db.pool.query(`SELECT status, trigger FROM job_runs WHERE kind = 'cache-refresh'`);
      expect(rows).toEqual([{ status: 'running', trigger: 'api' }]);
    }, 30_000);
  });
});
