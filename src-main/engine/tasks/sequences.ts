/** The sequence tasks by `task.kind`, for the task registry (tasks/index.ts). */
import type { SequenceTaskKind } from '../../contract';
import type { Task } from '../types';
import { addFamily, divisorFamily, modFamily } from './arithmetic';
import { reverseFamily, sortFamily } from './digits';
import { createSequenceTask, type ProblemFamily, type SequenceConfig } from './sequence';

const FAMILIES: Record<SequenceTaskKind, ProblemFamily<never>> = {
  add: addFamily as ProblemFamily<never>,
  sort: sortFamily as ProblemFamily<never>,
  reverse: reverseFamily as ProblemFamily<never>,
  mod: modFamily as ProblemFamily<never>,
  divisor: divisorFamily as ProblemFamily<never>,
};

export const SEQUENCE_TASKS = Object.fromEntries(
  Object.entries(FAMILIES).map(([kind, family]) => [
    kind,
    (config: SequenceConfig) => createSequenceTask(family, config),
  ]),
) as Record<SequenceTaskKind, (config: SequenceConfig) => Task>;
