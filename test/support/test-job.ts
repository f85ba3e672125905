// A minimal job for testing the run machinery (queueing, progress, cancellation) without providers:
// it counts through `items` entries, one check point per entry, and waits for the test between them.
import type { JobDefinition } from '../../src/jobs/engine/job-definition.ts';
import { checkpoint } from '../../src/jobs/engine/checkpoint.ts';

export interface CountingOptions {
  items: number;
}

export function countingJob(gate: { next(signal: AbortSignal): Promise<void> }): JobDefinition<CountingOptions> {
  return {
    kind: 'cache-refresh',
    description: 'counts (test only)',
    requires: [],
    parseOptions: (input) => ({ items: Number((input as { items?: number }).items ?? 3) }),
    run: async ({ progress, signal }, options) => {
      progress.setTotal(options.items);
      for (let index = 0; index < options.items; index++) {
        checkpoint(signal);
        await gate.next(signal);
        progress.advance(1, ['plex']);
      }
      return { message: `counted ${options.items}` };
    },
  };
}

/** Lets a test release a job one step at a time, or all at once. */
export class StepGate {
  private waiters: Array<() => void> = [];
  private open = false;
  private readonly arrivals: Array<() => void> = [];
  waiting = 0;
  /** The signal of the job waiting at the gate, so a test can wait for the job to see a cancel. */
  signal: AbortSignal | undefined;

  next(signal: AbortSignal): Promise<void> {
    this.signal = signal;
    if (this.open) return Promise.resolve();
    this.waiting++;
    for (const arrival of this.arrivals.splice(0)) arrival();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Resolves when the job is waiting at a step. */
  arrived(): Promise<void> {
    if (this.waiting > 0) return Promise.resolve();
    return new Promise((resolve) => this.arrivals.push(resolve));
  }

  step(): void {
    this.waiting = Math.max(0, this.waiting - 1);
    this.waiters.shift()?.();
  }

  release(): void {
    this.open = true;
    for (const waiter of this.waiters.splice(0)) waiter();
    this.waiting = 0;
  }
}
