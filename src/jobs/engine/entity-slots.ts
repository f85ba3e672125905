// How many entities a warm works on at once. Enough to keep the paced provider's budget busy, and no
// more: by Little's law that is its rate times how long one entity takes (Plex, Last.fm, the write),
// measured as the warm goes; never above the configured concurrency. An entity gives its slot back as
// soon as it only waits for a slow fallback provider (MusicBrainz at 1/s), so the entities that need
// only the fast one keep flowing.
import { performance } from 'node:perf_hooks';

// The measured need is raised by half, plus one, so a slower spell or a burst of retries does not idle
// the budget; requests beyond what the rate allows only queue at the limiter.
const HEADROOM = 1.5;
const MIN_SAMPLES = 8;
// The average moves with the run: recent entities weigh most.
const SMOOTHING = 0.1;

export class EntitySlots {
  private active = 0;
  private readonly waiting = new Set<() => void>();
  private averageMs = 0;
  private samples = 0;

  /**
   * `max`: the configured concurrency. `pacedRate`: requests per second of the provider every entity
   * asks once (Last.fm), or undefined when no rate paces the warm (then `max` is used).
   */
  constructor(
    private readonly max: number,
    private readonly pacedRate: () => number | undefined,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Slots allowed now. */
  get limit(): number {
    const rate = this.pacedRate();
    if (rate === undefined || this.samples < MIN_SAMPLES) return this.max;
    const needed = Math.ceil(rate * (this.averageMs / 1000) * HEADROOM) + 1;
    return Math.max(1, Math.min(this.max, needed));
  }

  /** Waits for a slot; the returned function gives it back (once; later calls do nothing). */
  async acquire(): Promise<() => void> {
    while (this.active >= this.limit) {
      await new Promise<void>((resolve) => this.waiting.add(resolve));
    }
    this.active += 1;
    const started = this.now();
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.active -= 1;
      this.observe(this.now() - started);
      // Every waiter looks again: the limit may have grown as well as a slot freed.
      const woken = [...this.waiting];
      this.waiting.clear();
      for (const wake of woken) wake();
    };
  }

  private observe(milliseconds: number): void {
    this.averageMs = this.samples === 0 ? milliseconds : this.averageMs + SMOOTHING * (milliseconds - this.averageMs);
    this.samples += 1;
  }
}
