// Live linernotes processes register in PostgreSQL and beat every few seconds. Any of them sweeps
// away processes that stopped beating and unlocks their graphile-worker jobs at once (graphile-worker
// alone would wait four hours), so a run whose worker died is retried by a live one. Each process
// also holds a session-level advisory lock on a connection of its own for as long as it lives: a
// silent process whose session is still open is frozen or stalled, not dead, and keeps its runs
// (release-jobs.ts).
// Raw SQL for the beat: heartbeat_at is the database's now(), one clock for every process (a client-side
// date would let a skewed host clock make a live process look dead).
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import pg from 'pg';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { releaseJobsOfProcesses, sweepDeadProcesses } from '../jobs/engine/runs/release-jobs.ts';
import type { Logger } from '../logger.ts';

export interface ProcessRegistryOptions {
  intervalMs?: number;
  /** A process silent for this long is taken for dead. */
  staleAfterMs?: number;
  /** Called after every beat, successful or not (the provider rate share re-divides then). */
  onBeat?: () => Promise<void>;
}

export class ProcessRegistry {
  readonly id = randomUUID();
  private readonly graphileWorkerIds = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private beating: Promise<void> = Promise.resolve();
  private readonly intervalMs: number;
  private readonly staleAfterMs: number;
  /** When a beat last failed (0: never), in this process's clock. */
  private lastFailedBeatAt = 0;
  private recorded: Promise<void> = Promise.resolve();
  /** The connection holding this process's liveness lock; undefined until taken, or after the connection was lost. */
  private livenessConnection: pg.Client | undefined;

  private readonly pool: pg.Pool;

  constructor(
    /** A connection of its own (the pool and a Prisma client over it), so busy jobs never delay a beat. */
    private readonly db: { pool: pg.Pool; prisma: PrismaClient },
    private readonly logger: Logger,
    private readonly options: ProcessRegistryOptions = {},
  ) {
    this.pool = db.pool;
    this.intervalMs = options.intervalMs ?? 5_000;
    this.staleAfterMs = options.staleAfterMs ?? 30_000;
  }

  async start(): Promise<void> {
    await this.pool.query(
      `INSERT INTO worker_processes (id, hostname, pid, started_at, heartbeat_at) VALUES ($1, $2, $3, now(), now())`,
      [this.id, os.hostname(), process.pid],
    );
    await this.holdLiveness();
    await this.beat();
    this.timer = setInterval(() => {
      this.beating = this.beating.then(() => this.beat());
    }, this.intervalMs);
    this.timer.unref();
  }

  /**
   * Records a graphile-worker pool of this process at once (not at the next beat): if the process is
   * killed right after the pool locks its first job, the sweep must know which locks were its own.
   */
  addGraphileWorker(workerId: string): void {
    this.graphileWorkerIds.add(workerId);
    this.recorded = this.beating = this.beating.then(() => this.beat());
  }

  /** Resolves once every graphile-worker pool added so far is recorded (tasks wait for it before claiming a run). */
  async workersRecorded(): Promise<void> {
    await this.recorded;
  }

  /**
   * Takes the liveness lock on a connection of its own, or takes it again after that connection was
   * lost (a database restart). Not taken yet (a sweep is testing the key this instant): the next beat
   * tries again, and the heartbeat alone keeps the process alive meanwhile.
   */
  private async holdLiveness(): Promise<void> {
    if (this.livenessConnection) return;
    const connection = new pg.Client(this.pool.options);
    const lost = (reason: string) => {
      this.logger.debug({ reason }, 'liveness connection closed');
      if (this.livenessConnection === connection) this.livenessConnection = undefined;
    };
    connection.on('error', (error) => lost(error.message));
    connection.on('end', () => lost('ended'));
    try {
      await connection.connect();
      const { rows } = await connection.query<{ held: boolean }>('SELECT worker_process_hold_liveness($1) AS held', [
        this.id,
      ]);
      if (rows[0]?.held) {
        this.livenessConnection = connection;
        return;
      }
    } catch (error) {
      // The heartbeat that follows says so at warn level if the database is out.
      this.logger.debug({ error: (error as Error).message }, 'could not take the liveness lock');
    }
    await connection.end().catch(() => undefined);
  }

  private async beat(): Promise<void> {
    try {
      await this.holdLiveness();
      await this.pool.query(
        `INSERT INTO worker_processes (id, hostname, pid, heartbeat_at, graphile_worker_ids)
         VALUES ($1, $2, $3, now(), $4)
         ON CONFLICT (id) DO UPDATE SET heartbeat_at = now(), graphile_worker_ids = EXCLUDED.graphile_worker_ids`,
        [this.id, os.hostname(), process.pid, [...this.graphileWorkerIds]],
      );
      // After this process could not reach the database, the others could not either: give them a
      // whole stale period to beat again before taking any of them for dead.
      if (Date.now() - this.lastFailedBeatAt > this.staleAfterMs) {
        const swept = await sweepDeadProcesses(this.db, this.staleAfterMs);
        if (swept.dead.length > 0) {
          this.logger.warn(
            { processes: swept.dead.map((dead) => dead.id), resumed: swept.resumable, failed: swept.failed },
            'released the runs of processes that stopped beating',
          );
        }
      }
    } catch (error) {
      this.lastFailedBeatAt = Date.now();
      this.logger.warn({ error: (error as Error).message }, 'process heartbeat failed');
    }
    await this.options.onBeat?.();
  }

  /**
   * A graphile-worker pool of this process that died (its database connection lost) and was replaced:
   * the jobs it still held are unlocked and given their attempt back, so the new pool resumes them now.
   */
  async releaseReplacedWorker(workerId: string): Promise<void> {
    this.graphileWorkerIds.delete(workerId);
    const released = await releaseJobsOfProcesses(this.db, [this.id], [workerId]);
    if (released.resumable.length > 0 || released.failed.length > 0) {
      this.logger.info(
        { worker: workerId, resumed: released.resumable, failed: released.failed },
        'released the runs of a replaced worker pool',
      );
    }
  }

  /**
   * Deregisters. Call after the worker has stopped: a job it still holds (a run interrupted by the
   * shutdown) is unlocked and given back the attempt the shutdown cost, so another worker takes it now,
   * not when graphile-worker's lock or retry delay expires.
   */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.beating;
    if (this.graphileWorkerIds.size > 0) {
      await releaseJobsOfProcesses(this.db, [this.id], [...this.graphileWorkerIds]).catch((error: unknown) =>
        this.logger.warn({ err: error }, 'could not unlock the jobs of this process'),
      );
    }
    await this.pool.query('DELETE FROM worker_processes WHERE id = $1', [this.id]).catch(() => undefined);
    const connection = this.livenessConnection;
    this.livenessConnection = undefined;
    await connection?.end().catch(() => undefined);
  }
}
