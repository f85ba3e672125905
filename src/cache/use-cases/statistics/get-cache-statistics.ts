import pg from 'pg';
import type { Queryable } from '../../../db/queryable.ts';
import { countEntryTable } from '../../storage/statistics/count-entry-table.ts';
import { countTrackTable } from '../../storage/statistics/count-track-table.ts';
import { statisticsBounds, type StatisticsSettings } from '../../policy/statistics-bounds.ts';
import type { CacheStatistics } from './statistics.ts';

export interface CacheStatisticsOptions {
  /** How many genres `topGenres` lists per table (default 10). */
  topGenres?: number;
}

const DEFAULT_TOP_GENRES = 10;

/**
 * Statistics of the artist, album and track caches at `now`, one statement per table (so each table's
 * figures agree with each other). A pool counts the three tables on three connections at once; a single
 * client (a transaction) one after another, as pg requires.
 */
export async function getCacheStatistics(
  db: Queryable,
  now: Date,
  config: { refresh: StatisticsSettings },
  options: CacheStatisticsOptions = {},
): Promise<CacheStatistics> {
  const topGenres = options.topGenres ?? DEFAULT_TOP_GENRES;
  if (!Number.isInteger(topGenres) || topGenres < 0)
    throw new RangeError(`topGenres must be a whole number ≥ 0, got ${topGenres}`);
  const bounds = statisticsBounds(now, config.refresh);
  const artistCounts = () => countEntryTable(db, 'artists', bounds, topGenres);
  const albumCounts = () => countEntryTable(db, 'albums', bounds, topGenres);
  const trackCounts = () => countTrackTable(db, bounds);
  if (db instanceof pg.Pool) {
    const [artists, albums, tracks] = await Promise.all([artistCounts(), albumCounts(), trackCounts()]);
    return { at: now, artists, albums, tracks };
  }
  const artists = await artistCounts();
  const albums = await albumCounts();
  const tracks = await trackCounts();
  return { at: now, artists, albums, tracks };
}
