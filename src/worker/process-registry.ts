// Live linernotes processes register in PostgreSQL and beat every few seconds. Any of them sweeps
// away processes that stopped beating and unlocks their graphile-worker jobs at once (graphile-worker
// alone would wait four hours), so a run whose worker died is retried by a live one. The count of
// live processes is also what each provider's rate budget is shared by.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type pg from 'pg';
import { eventFromRun, publishRunEvent } from '../jobs/run-events.ts';
import { finishRunWith } from '../jobs/runs/finish-run.ts';
import type { Logger } from '../logger.ts';

export interface ProcessRegistryOptions {
  intervalMs?: number;
  /** A process silent for this long is taken for dead. */
  staleAfterMs?: number;
  /** Called after every beat with the number of live processes (this one included). */
  onLiveCount?: (count: number) => void;
}

export class ProcessRegistry {
  readonly id = randomUUID();
  private readonly graphileWorkerIds = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private beating: Promise<void> = Promise.resolve();
  private readonly intervalMs: number;
  private readonly staleAfterMs: number;

  constructor(
    private readonly pool: pg.Pool,
    private readonly logger: Logger,
    private readonly options: ProcessRegistryOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 5_000;
    this.staleAfterMs = options.staleAfterMs ?? 30_000;
  }

  async start(): Promise<void> {
    await this.pool.query(
      `INSERT INTO worker_processes (id, hostname, pid, started_at, heartbeat_at) VALUES ($1, $2, $3, now(), now())`,
      [this.id, os.hostname(), process.pid],
    );
    await this.beat();
    this.timer = setInterval(() => {
      this.beating = this.beating.then(() => this.beat());
    }, this.intervalMs);
    this.timer.unref();
  }

  addGraphileWorker(workerId: string): void {
    this.graphileWorkerIds.add(workerId);
  }

  private async beat(): Promise<void> {
    try {
      await this.pool.query(
        `INSERT INTO worker_processes (id, hostname, pid, heartbeat_at, graphile_worker_ids)
         VALUES ($1, $2, $3, now(), $4)
         ON CONFLICT (id) DO UPDATE SET heartbeat_at = now(), graphile_worker_ids = EXCLUDED.graphile_worker_ids`,
        [this.id, os.hostname(), process.pid, [...this.graphileWorkerIds]],
      );
      const dead = await this.pool.query<{ id: string; graphile_worker_ids: string[] | null }>(
        `DELETE FROM worker_processes WHERE heartbeat_at < now() - make_interval(secs => $1::double precision / 1000)
         RETURNING id, graphile_worker_ids`,
        [this.staleAfterMs],
      );
      if (dead.rows.length > 0) await this.releaseDead(dead.rows);
      const live = await this.pool.query<{ count: string }>(
        `SELECT count(*)::text AS count FROM worker_processes WHERE heartbeat_at >= now() - make_interval(secs => $1::double precision / 1000)`,
        [this.staleAfterMs],
      );
      this.options.onLiveCount?.(Math.max(1, Number(live.rows[0]?.count ?? 1)));
    } catch (error) {
      this.logger.warn({ err: error }, 'process heartbeat failed');
    }
  }

  /**
   * Deregisters. Call after the worker has stopped: a job it still holds (a run interrupted by the
   * shutdown) is unlocked so another worker takes it now, not when graphile-worker's lock expires.
   */
  /**
   * What the dead left behind: their graphile-worker jobs are unlocked (graphile-worker retries them and
   * the runs resume), and a run they executed outside the queue (a CLI run) can never resume, so it ends
   * as failed rather than blocking its kind for ever.
   */
  private async releaseDead(dead: Array<{ id: string; graphile_worker_ids: string[] | null }>): Promise<void> {
    const workerIds = dead.flatMap((process) => process.graphile_worker_ids ?? []);
    if (workerIds.length > 0) {
      await this.pool.query('SELECT graphile_worker.force_unlock_workers($1::text[])', [workerIds]);
      this.logger.warn({ workers: workerIds }, 'unlocked the jobs of worker processes that stopped beating');
    }
    const orphans = await this.pool.query<{ id: number }>(
      `SELECT id FROM job_runs WHERE status IN ('queued', 'running') AND worker_job_id IS NULL AND owner_process_id = ANY($1::text[])`,
      [dead.map((process) => process.id)],
    );
    for (const orphan of orphans.rows) {
      const finished = await finishRunWith(this.pool, orphan.id, {
        status: 'failed',
        error: 'the process running it stopped without finishing it (killed or lost); start the job again',
      });
      if (finished) await publishRunEvent(this.pool, eventFromRun(finished));
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.beating;
    if (this.graphileWorkerIds.size > 0) {
      await this.pool
        .query('SELECT graphile_worker.force_unlock_workers($1::text[])', [[...this.graphileWorkerIds]])
        .catch((error: unknown) => this.logger.warn({ err: error }, 'could not unlock the jobs of this process'));
    }
    await this.pool.query('DELETE FROM worker_processes WHERE id = $1', [this.id]).catch(() => undefined);
  }
}
