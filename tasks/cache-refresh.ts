import { JOBS } from '../src/jobs/registry.ts';
import { createRunTask, type WorkerRuntime } from '../src/jobs/run-task.ts';

export default (runtime: WorkerRuntime) => createRunTask(JOBS['cache-refresh'], runtime);
