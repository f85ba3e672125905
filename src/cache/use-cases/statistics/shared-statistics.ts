// One computation of the cache statistics for all concurrent readers (a dashboard polled by many
// browsers, a monitoring scrape): each request reads the statistics' change number (one sequence, bumped
// by the counters' triggers on every write statement; requests arriving while it is being read share
// that read), and requests that find the same number within
// STATISTICS_MAX_AGE_MS of the last computation share its figures; a request that finds a new number,
// or an older computation, starts a new one, which every request arriving meanwhile awaits with it
// (single-flight), as does every request while a computation is still running. Between one and two
// STATISTICS_MAX_AGE_MS, with the number unchanged, requests get the figures there are while one
// refresh runs behind them. Staleness: at most 2 × STATISTICS_MAX_AGE_MS, two seconds (a change
// committed while a shared computation ran, or whose writer bumped the number before committing, shows
// in the next computation), and the clock-dependent figures (expired, tiers) are at most that old. A request after a committed write never sees the figures of
// before it once they were computed and settled.
// Raw SQL for the change number only: reading a sequence's last_value has no Prisma API.
import type pg from 'pg';
import { getCacheStatistics } from './get-cache-statistics.ts';
import { countRowTotals, type RowTotals } from '../../storage/statistics/count-row-totals.ts';
import type { StatisticsSettings } from '../../policy/statistics-bounds.ts';
import type { CacheStatistics } from './statistics.ts';

export const STATISTICS_MAX_AGE_MS = 1_000;

export interface SharedFigures {
  statistics: CacheStatistics;
  rows: RowTotals;
}

interface Computation {
  generation: string;
  at: number;
  settled: boolean;
  figures: Promise<SharedFigures>;
}

const GENERATION = `SELECT last_value::text || ':' || is_called::text AS generation FROM cache_statistics_generation`;

export class SharedCacheStatistics {
  /** The latest computation per topGenres (the only argument that changes the figures). */
  private readonly latest = new Map<number, Computation>();
  /** The topGenres whose figures are being refreshed behind the ones served. */
  private readonly refreshing = new Set<number>();
  /** The change number being read now: concurrent requests share the one read in flight. */
  private generationRead: Promise<string> | undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly settings: { refresh: StatisticsSettings },
    private readonly maxAgeMs: number = STATISTICS_MAX_AGE_MS,
  ) {}

  async get(now: Date, topGenres: number): Promise<SharedFigures> {
    const generation = await this.readGeneration();
    const current = this.latest.get(topGenres);
    const age = current ? Math.abs(now.getTime() - current.at) : Infinity;
    // Under a stream of writes the number changes between any two requests: those arriving while a
    // computation runs still share it, so there is never more than one computation per maxAge.
    if (current && (current.generation === generation || !current.settled) && age <= this.maxAgeMs) {
      return await current.figures;
    }
    // Nothing changed, only the clock moved on: answer from the figures there are while one refresh
    // runs, so that no request waits for a computation that only the clock asked for.
    if (current?.settled && current.generation === generation && age <= 2 * this.maxAgeMs) {
      this.refreshInBackground(now, topGenres, generation);
      return await current.figures;
    }
    const computation = this.start(now, topGenres, generation);
    this.latest.set(topGenres, computation);
    return await computation.figures;
  }

  private start(now: Date, topGenres: number, generation: string): Computation {
    const computation: Computation = {
      generation,
      at: now.getTime(),
      settled: false,
      figures: this.compute(now, topGenres),
    };
    computation.figures.then(
      () => {
        computation.settled = true;
      },
      () => {
        // A failed computation is not shared with later requests: the next one tries again.
        computation.settled = true;
        if (this.latest.get(topGenres) === computation) this.latest.delete(topGenres);
      },
    );
    return computation;
  }

  private refreshInBackground(now: Date, topGenres: number, generation: string): void {
    if (this.refreshing.has(topGenres)) return;
    const computation = this.start(now, topGenres, generation);
    this.refreshing.add(topGenres);
    computation.figures
      .then(
        () => {
          const current = this.latest.get(topGenres);
          if (!current || current.at <= computation.at) this.latest.set(topGenres, computation);
        },
        () => undefined,
      )
      .finally(() => this.refreshing.delete(topGenres));
  }

  private readGeneration(): Promise<string> {
    this.generationRead ??= this.pool
      .query<{ generation: string }>(GENERATION)
      .then((result) => result.rows[0]?.generation ?? '')
      .finally(() => {
        this.generationRead = undefined;
      });
    return this.generationRead;
  }

  private async compute(now: Date, topGenres: number): Promise<SharedFigures> {
    const [statistics, rows] = await Promise.all([
      getCacheStatistics(this.pool, now, this.settings, { topGenres }),
      countRowTotals(this.pool),
    ]);
    return { statistics, rows };
  }
}
