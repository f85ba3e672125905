// graphile-worker's task list: one thin file per job (task names are contract).
import type { TaskList } from 'graphile-worker';

export function createTaskList(): TaskList {
  return {};
}
