// graphile-worker in this process, running the real task list against a harness (crons off in its env).
import { silentLogger } from '../../../src/logger.ts';
import { startWorker, type WorkerHandle } from '../../../src/worker/runner.ts';
import { createTaskList } from '../../../src/worker/task-list.ts';
import type { Harness } from '../../support/harness.ts';

export function startTestWorker(harness: Harness): Promise<WorkerHandle> {
  return startWorker({
    config: harness.config,
    databaseUrl: harness.db.url,
    logger: silentLogger(),
    taskList: createTaskList({ deps: harness.runtime.deps, cancellation: harness.runtime.cancellation }),
    onWorkerCreated: (workerId) => harness.runtime.registry.addGraphileWorker(workerId),
  });
}

/** Every schedule off, so no cron occurrence (or backfill) starts a run behind a test's back. */
export const NO_SCHEDULES: Record<string, string> = {
  CACHE_WARM_CRON: 'off',
  CACHE_REFRESH_CRON: 'off',
  TRACK_CACHE_REFRESH_CRON: 'off',
  TRACK_STATIC_REFRESH_CRON: 'off',
  AUDIO_FEATURES_CRON: 'off',
};
