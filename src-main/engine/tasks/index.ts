/**
 * Tasks keyed by `task.kind`. Sequence tasks (add, sort, reverse, mod, divisor) register here next
 * to the bandit; dataset tasks read files and need the policy's tokenizer, so they open
 * asynchronously (`openTask`).
 */
import type { TaskConfig } from '../../contract';
import type { Task, TextCodec } from '../types';
import { createBanditTask } from './bandit';
import { openDatasetTask } from './dataset';
import { SEQUENCE_TASKS } from './sequences';

type TaskKind = TaskConfig['kind'];
type TaskFactory<K extends TaskKind> = (config: Extract<TaskConfig, { kind: K }>) => Task;

const TASKS: { [K in TaskKind]?: TaskFactory<K> } = {
  bandit: createBanditTask,
  ...SEQUENCE_TASKS,
};

/** What a task may need from the policy. */
export interface TaskDeps {
  /** The policy's tokenizer (text tasks). */
  codec?: TextCodec;
}

/** A task built from its config alone (every kind but `dataset`). */
export function createTask(config: TaskConfig): Task {
  // The mapped type pairs each kind with its own config; TypeScript cannot follow that through an index.
  const factory = TASKS[config.kind] as ((c: TaskConfig) => Task) | undefined;
  if (!factory) throw new Error(`task.kind: "${config.kind}" is not available in this build`);
  return factory(config);
}

/** Any task, reading its files and using the policy's tokenizer where the kind needs them. */
export async function openTask(config: TaskConfig, deps: TaskDeps = {}): Promise<Task> {
  if (config.kind === 'dataset') return openDatasetTask(config, deps.codec);
  return createTask(config);
}
