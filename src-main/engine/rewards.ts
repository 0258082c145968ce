/**
 * Rewards keyed by `reward.kind`. The verifier pays 1 for a correct answer; the random kinds are the
 * paper's control: drawn from the run's `rewards` stream independently of the output, so any entropy
 * change they produce comes from the update rule (clipping), not from what was learned. Training
 * accuracy is always the verifier's, whatever pays the reward.
 */
import type { RunConfig } from '../contract';
import type { Rng } from './types';

type RewardConfig = RunConfig['reward'];

export interface RewardInput {
  /** 1 where the verifier accepted the response, per response. */
  correct: Uint8Array; // [B]
  rng: Rng;
}

export type RewardFn = (input: RewardInput) => Float32Array; // [B]

type RewardFactory<K extends RewardConfig['kind']> = (config: Extract<RewardConfig, { kind: K }>) => RewardFn;

const REWARDS: { [K in RewardConfig['kind']]: RewardFactory<K> } = {
  verifier:
    () =>
    ({ correct }) =>
      Float32Array.from(correct),
  bernoulli:
    ({ p }) =>
    ({ correct, rng }) =>
      Float32Array.from(correct, () => (rng.next() < p ? 1 : 0)),
  gaussian:
    ({ mean, std }) =>
    ({ correct, rng }) =>
      Float32Array.from(correct, () => mean + std * rng.normal()),
};

export function createReward(config: RewardConfig): RewardFn {
  // The mapped type pairs each kind with its own config; TypeScript cannot follow that through an index.
  return (REWARDS[config.kind] as (c: RewardConfig) => RewardFn)(config);
}
