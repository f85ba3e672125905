// A scheduled weekly warm goes on to the albums once the artists are done.
import { JOBS } from '../src/jobs/registry.ts';
import { createRunTask, type WorkerRuntime } from '../src/jobs/run-task.ts';

export default (runtime: WorkerRuntime) => createRunTask(JOBS['cache-warm'], runtime, 'cache-warm-albums');
