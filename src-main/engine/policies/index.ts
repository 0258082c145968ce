/**
 * Policies keyed by `policy.kind`. The GPT policy registers here next to the tabular one.
 */
import type { RunConfig } from '../../contract';
import type { Policy, Task, TensorMap } from '../types';
import { createGptPolicy } from '../gpt';
import { createTabularPolicy } from './tabular';

export interface PolicyOptions {
  /** Starting weights of a network policy (a base model); the tabular policy starts from its seed. */
  baseWeights?: TensorMap;
}

export type PolicyFactory = (config: RunConfig, task: Task, opts: PolicyOptions) => Policy;

const POLICIES: Partial<Record<RunConfig['policy']['kind'], PolicyFactory>> = {
  tabular: createTabularPolicy,
  gpt: createGptPolicy,
};

export function createPolicy(config: RunConfig, task: Task, opts: PolicyOptions = {}): Policy {
  const factory = POLICIES[config.policy.kind];
  if (!factory) throw new Error(`policy.kind: "${config.policy.kind}" is not available in this build`);
  return factory(config, task, opts);
}
