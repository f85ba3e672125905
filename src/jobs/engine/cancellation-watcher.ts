// Delivers cancel requests to the process that runs the run: by NOTIFY at once, and by a slow poll
// of job_runs.cancel_requested_at in case a notification was missed while reconnecting.
import type { NotificationListener } from '../../db/notification-listener.ts';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import type { Logger } from '../../logger.ts';
import { RUN_CANCEL_CHANNEL } from './run-events.ts';

export class CancellationWatcher {
  private readonly watched = new Map<number, () => void>();
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly listener: NotificationListener,
    private readonly logger: Logger,
    private readonly pollIntervalMs = 5_000,
  ) {}

  async start(): Promise<void> {
    this.unsubscribe = await this.listener.subscribe(RUN_CANCEL_CHANNEL, (payload) => this.trigger(Number(payload)));
    this.timer = setInterval(() => void this.poll(), this.pollIntervalMs);
    this.timer.unref();
  }

  /** Calls `onCancel` once when the run is asked to stop. Returns the function that stops watching. */
  watch(runId: number, onCancel: () => void): () => void {
    this.watched.set(runId, onCancel);
    return () => {
      this.watched.delete(runId);
    };
  }

  private trigger(runId: number): void {
    const onCancel = this.watched.get(runId);
    if (!onCancel) return;
    this.watched.delete(runId);
    onCancel();
  }

  private async poll(): Promise<void> {
    if (this.watched.size === 0) return;
    try {
      const requested = await this.prisma.jobRun.findMany({
        where: { id: { in: [...this.watched.keys()] }, cancelRequestedAt: { not: null } },
        select: { id: true },
      });
      for (const run of requested) this.trigger(run.id);
    } catch (error) {
      this.logger.warn({ err: error }, 'could not check for cancel requests');
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe?.();
  }
}
