// graphile-worker's task list: one thin file per job (task names are contract).
import type { TaskList } from 'graphile-worker';
import type { WorkerRuntime } from '../src/jobs/run-task.ts';
import audioFeaturesSync from './audio-features-sync.ts';
import cacheRefresh from './cache-refresh.ts';
import cacheWarm from './cache-warm.ts';
import cacheWarmAlbums from './cache-warm-albums.ts';
import trackStaticRefresh from './track-static-refresh.ts';
import trackStatsRefresh from './track-stats-refresh.ts';

export function createTaskList(runtime: WorkerRuntime): TaskList {
  return {
    'cache-warm': cacheWarm(runtime),
    'cache-warm-albums': cacheWarmAlbums(runtime),
    'cache-refresh': cacheRefresh(runtime),
    'track-stats-refresh': trackStatsRefresh(runtime),
    'track-static-refresh': trackStaticRefresh(runtime),
    'audio-features-sync': audioFeaturesSync(runtime),
  };
}
