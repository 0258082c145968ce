/**
 * Policies keyed by `policy.kind`: the tabular softmax, the GPT and Hugging Face models. A kind may
 * need preparing before its task exists (`preparePolicy`): an HF policy's tokenizer builds the
 * dataset task's prompts, and its weights load only once the run is known to fit in memory.
 */
import type { RunConfig } from '../../contract';
import type { Policy, Task, TensorMap, TextCodec } from '../types';
import { createGptPolicy } from '../gpt';
import { prepareHf, type HfPrepared } from './hf';
import { createTabularPolicy } from './tabular';

/**
 * What a policy kind sets up before its task and policies: the tokenizer text tasks need, a check
 * that the run fits, and shared resources (the HF checkpoint, loaded once for policy and reference).
 */
export interface PreparedPolicy {
  codec?: TextCodec;
  /** Once the task exists and before any policy is made: refuses runs that cannot fit, loads weights. */
  ready(task: Task, backend: string): void;
  dispose(): void;
  /** The HF kind's resources, for its factory. */
  hf?: HfPrepared;
}

export interface PolicyOptions {
  /** Starting weights of a network policy (a base model); the tabular policy starts from its seed. */
  baseWeights?: TensorMap;
  /** From `preparePolicy`, for kinds that need it. */
  prepared?: PreparedPolicy;
  /** The frozen reference policy (kl/ref, the KL penalty) may share the policy's storage and never trains. */
  role?: 'policy' | 'reference';
}

export type PolicyFactory = (config: RunConfig, task: Task, opts: PolicyOptions) => Policy;

function createHfPolicy(config: RunConfig, _task: Task, opts: PolicyOptions): Policy {
  if (!opts.prepared?.hf) throw new Error('policy.kind "hf": prepare the policy (preparePolicy) before creating it');
  return opts.prepared.hf.create(opts.role ?? 'policy');
}

const POLICIES: Partial<Record<RunConfig['policy']['kind'], PolicyFactory>> = {
  tabular: createTabularPolicy,
  gpt: createGptPolicy,
  hf: createHfPolicy,
};

const PREPARE: Partial<Record<RunConfig['policy']['kind'], (config: RunConfig) => Promise<PreparedPolicy>>> = {
  hf: async (config) => {
    const hf = await prepareHf(config);
    return { codec: hf.tokenizer, ready: (task, backend) => hf.ready(task, backend), dispose: () => hf.dispose(), hf };
  },
};

const NOTHING_TO_PREPARE: PreparedPolicy = { ready: () => undefined, dispose: () => undefined };

export async function preparePolicy(config: RunConfig): Promise<PreparedPolicy> {
  return (await PREPARE[config.policy.kind]?.(config)) ?? NOTHING_TO_PREPARE;
}

export function createPolicy(config: RunConfig, task: Task, opts: PolicyOptions = {}): Policy {
  const factory = POLICIES[config.policy.kind];
  if (!factory) throw new Error(`policy.kind: "${config.policy.kind}" is not available in this build`);
  return factory(config, task, opts);
}
