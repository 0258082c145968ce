/**
 * Tasks keyed by `task.kind`. Sequence tasks (add, sort, reverse, mod, divisor) register here next
 * to the bandit.
 */
import type { TaskConfig } from '../../contract';
import type { Task } from '../types';
import { createBanditTask } from './bandit';
import { SEQUENCE_TASKS } from './sequences';

type TaskKind = TaskConfig['kind'];
type TaskFactory<K extends TaskKind> = (config: Extract<TaskConfig, { kind: K }>) => Task;

const TASKS: { [K in TaskKind]?: TaskFactory<K> } = {
  bandit: createBanditTask,
  ...SEQUENCE_TASKS,
};

export function createTask(config: TaskConfig): Task {
  // The mapped type pairs each kind with its own config; TypeScript cannot follow that through an index.
  const factory = TASKS[config.kind] as ((c: TaskConfig) => Task) | undefined;
  if (!factory) throw new Error(`task.kind: "${config.kind}" is not available in this build`);
  return factory(config);
}
