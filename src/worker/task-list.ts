// graphile-worker's task list: one task per job kind, named by the kind (task names are contract).
import type { TaskList } from 'graphile-worker';
import { JOBS, jobDefinition } from '../jobs/bodies/registry.ts';
import { createRunTask, type WorkerRuntime } from '../jobs/engine/run-task.ts';
import { JOB_KINDS } from '../types.ts';

export function createTaskList(runtime: WorkerRuntime): TaskList {
  return Object.fromEntries(
    JOB_KINDS.map((kind) => {
      const followedBy = JOBS[kind].followedBy;
      return [kind, createRunTask(jobDefinition(kind), runtime, followedBy && jobDefinition(followedBy))];
    }),
  );
}
