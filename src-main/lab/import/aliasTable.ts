/**
 * Which trainer keys mean the same as cliplab's canonical keys (contract/metrics.ts), and which look
 * alike but do not. Sources: research/anchors.md, verl `core_algos.py` / `ray_trainer.py`, TRL
 * `grpo_trainer.py`. A row with `canonical: null` documents a deliberate non-alias.
 *
 * Decisions worth knowing:
 * - verl `actor/pg_clipfrac` counts tokens where the clip binds on either side (the clipped loss is the
 *   larger one), so it is `clip/frac`, the combined fraction, and feeds neither clip/low_frac nor
 *   clip/high_frac; the import is marked "combined only". OpenRLHF `ppo_clip_ratio` (surr2 < surr1)
 *   and TRL `clip_ratio/region_mean` (low | high) count the same event.
 * - Stable-Baselines and CleanRL `clip_fraction` count |r - 1| > eps whatever the advantage's sign,
 *   tokens whose clip does not bind included: not `clip/frac`.
 * - verl `actor/pg_clipfrac_lower` is the dual-clip fraction (A < 0 and -A*r beyond -A*clip_ratio_c),
 *   not clip-low; under loss modes other than vanilla verl reuses the name or returns 0, so it is
 *   aliased only for vanilla (or when the loss mode is unknown, which means vanilla in old verl).
 * - old verl `actor/entropy_loss` is the rollout's entropy under pi_old aggregated with loss_agg_mode,
 *   logged unscaled whatever entropy_coeff is (ray_trainer.py, v0.3-0.4). With token-mean it is the
 *   mean token entropy, i.e. `entropy`; with a sequence-level mode it is a differently weighted mean,
 *   so it is not aliased then. `actor/entropy` (newer verl) is preferred when both exist.
 * - A bare `entropy_loss` (Stable-Baselines) is minus the entropy: no alias. OpenRLHF's
 *   `entropy_loss` is the mean entropy, so it is aliased for OpenRLHF only.
 * - TRL `loss` includes beta * KL, so it is not `loss/pg`; TRL `num_tokens` counts prompt tokens too,
 *   so it is not `tokens`; verl `perf/throughput` is per GPU, so it is not `throughput/tokens_per_s`.
 */
import type { MetricKey } from '../../contract';

export const TRAINERS = ['verl', 'trl', 'openrlhf', 'sb3', 'generic'] as const;
export type Trainer = (typeof TRAINERS)[number];

export interface AliasRule {
  trainer: Trainer;
  /** The key as the trainer logs it; event-file tags are matched without their `train/` prefix. */
  key: string;
  canonical: MetricKey | null;
  /** What the key measures, and why it is (not) the canonical quantity. */
  why: string;
  /** The key counts clipped tokens of both sides together. */
  combinedClip?: boolean;
  /** Extra condition on the run's params (the trainer's own option names). */
  when?: (params: Record<string, unknown>) => boolean;
}

const param = (params: Record<string, unknown>, ...names: string[]) =>
  names.map((n) => params[n]).find((v) => v !== undefined && v !== null);

const verlLossMode = (p: Record<string, unknown>) =>
  param(p, 'actor_rollout_ref.actor.policy_loss.loss_mode', 'actor_rollout_ref.actor.loss_mode');
const verlAggMode = (p: Record<string, unknown>) => param(p, 'actor_rollout_ref.actor.loss_agg_mode');

export const ALIAS_TABLE: readonly AliasRule[] = [
  // verl
  {
    trainer: 'verl',
    key: 'actor/entropy',
    canonical: 'entropy',
    why: 'mean token entropy of the rollout under pi_old',
  },
  {
    trainer: 'verl',
    key: 'actor/entropy_loss',
    canonical: 'entropy',
    why: 'old verl: rollout entropy under pi_old, aggregated with loss_agg_mode and not scaled by entropy_coeff',
    when: (p) => [undefined, 'token-mean'].includes(verlAggMode(p) as string | undefined),
  },
  { trainer: 'verl', key: 'critic/score/mean', canonical: 'reward/mean', why: 'mean verifier score per response' },
  { trainer: 'verl', key: 'critic/rewards/mean', canonical: null, why: 'score minus the in-reward KL penalty' },
  { trainer: 'verl', key: 'actor/ppo_kl', canonical: 'kl/ppo', why: 'mean log(pi_old / pi) over response tokens' },
  { trainer: 'verl', key: 'actor/kl_loss', canonical: 'kl/ref', why: 'KL to the reference (starting) policy' },
  { trainer: 'verl', key: 'actor/pg_loss', canonical: 'loss/pg', why: 'clipped policy-gradient loss' },
  { trainer: 'verl', key: 'actor/grad_norm', canonical: 'grad_norm', why: 'actor gradient norm before clipping' },
  { trainer: 'verl', key: 'response_length/mean', canonical: 'len/mean', why: 'mean response length in tokens' },
  { trainer: 'verl', key: 'timing_s/step', canonical: 'time/step_s', why: 'wall time of the whole step' },
  {
    trainer: 'verl',
    key: 'actor/pg_clipfrac',
    canonical: 'clip/frac',
    combinedClip: true,
    why: 'tokens whose clip binds on either side together: the combined fraction, neither clip-low nor clip-high',
  },
  {
    trainer: 'verl',
    key: 'actor/pg_clipfrac_lower',
    canonical: 'clip/dual_frac',
    why: 'dual-clip fraction (A < 0, ratio beyond clip_ratio_c), not clip-low',
    when: (p) => [undefined, 'vanilla'].includes(verlLossMode(p) as string | undefined),
  },
  { trainer: 'verl', key: 'perf/throughput', canonical: null, why: 'tokens per second per GPU, not per run' },
  // TRL (GRPOTrainer); event files add `train/`, stripped before matching
  { trainer: 'trl', key: 'entropy', canonical: 'entropy', why: 'mean token entropy of the completions' },
  { trainer: 'trl', key: 'reward', canonical: 'reward/mean', why: 'mean total reward per completion' },
  {
    trainer: 'trl',
    key: 'clip_ratio/low_mean',
    canonical: 'clip/low_frac',
    why: 'share of tokens with A < 0 and r < 1 - epsilon',
  },
  {
    trainer: 'trl',
    key: 'clip_ratio/high_mean',
    canonical: 'clip/high_frac',
    why: 'share of tokens with A > 0 and r > 1 + epsilon_high',
  },
  {
    trainer: 'trl',
    key: 'clip_ratio/region_mean',
    canonical: 'clip/frac',
    combinedClip: true,
    why: 'tokens clipped low or high: the combined fraction',
  },
  { trainer: 'trl', key: 'clip_ratio', canonical: null, combinedClip: true, why: 'older TRL: both sides together' },
  { trainer: 'trl', key: 'kl', canonical: 'kl/ref', why: 'k3 KL to the reference model (logged when beta > 0)' },
  {
    trainer: 'trl',
    key: 'frac_reward_zero_std',
    canonical: 'group/zero_std_frac',
    why: 'share of groups whose rewards are all equal',
  },
  { trainer: 'trl', key: 'completions/mean_length', canonical: 'len/mean', why: 'mean completion length in tokens' },
  {
    trainer: 'trl',
    key: 'completion_length',
    canonical: 'len/mean',
    why: 'older TRL name of the mean completion length',
  },
  { trainer: 'trl', key: 'grad_norm', canonical: 'grad_norm', why: 'gradient norm before clipping' },
  { trainer: 'trl', key: 'step_time', canonical: 'time/step_s', why: 'wall time of the step' },
  { trainer: 'trl', key: 'loss', canonical: null, why: 'includes beta * KL, so not the policy loss alone' },
  { trainer: 'trl', key: 'num_tokens', canonical: null, why: 'counts prompt and completion tokens' },
  // OpenRLHF (W&B / TensorBoard `train/<key>`)
  {
    trainer: 'openrlhf',
    key: 'entropy_loss',
    canonical: 'entropy',
    why: 'OpenRLHF logs the mean entropy under this name',
  },
  { trainer: 'openrlhf', key: 'ppo_kl', canonical: 'kl/ppo', why: 'KL between the old and new policy' },
  { trainer: 'openrlhf', key: 'kl', canonical: 'kl/ref', why: 'KL to the initial (reference) policy' },
  { trainer: 'openrlhf', key: 'policy_loss', canonical: 'loss/pg', why: 'clipped policy-gradient loss' },
  { trainer: 'openrlhf', key: 'reward', canonical: 'reward/mean', why: 'mean reward' },
  { trainer: 'openrlhf', key: 'response_length', canonical: 'len/mean', why: 'mean response length' },
  {
    trainer: 'openrlhf',
    key: 'ppo_clip_ratio',
    canonical: 'clip/frac',
    combinedClip: true,
    why: 'tokens whose clip binds (surr2 < surr1) on either side: the combined fraction',
  },
  // Stable-Baselines-style PPO (also CleanRL-style CSVs)
  { trainer: 'sb3', key: 'entropy_loss', canonical: null, why: 'minus the mean entropy (a loss term)' },
  { trainer: 'sb3', key: 'approx_kl', canonical: 'kl/ppo', why: 'estimate of KL(old || new)' },
  { trainer: 'sb3', key: 'policy_gradient_loss', canonical: 'loss/pg', why: 'clipped policy-gradient loss' },
  {
    trainer: 'sb3',
    key: 'clip_fraction',
    canonical: null,
    combinedClip: true,
    why: '|r - 1| > eps whatever the advantage: not only tokens whose clip binds, so not clip/frac',
  },
  // Anything else: only names whose meaning is unambiguous across trainers
  { trainer: 'generic', key: 'entropy', canonical: 'entropy', why: 'mean policy entropy' },
  { trainer: 'generic', key: 'losses/entropy', canonical: 'entropy', why: 'CleanRL: mean policy entropy' },
  { trainer: 'generic', key: 'approx_kl', canonical: 'kl/ppo', why: 'estimate of KL(old || new)' },
  { trainer: 'generic', key: 'losses/approx_kl', canonical: 'kl/ppo', why: 'CleanRL: estimate of KL(old || new)' },
  { trainer: 'generic', key: 'grad_norm', canonical: 'grad_norm', why: 'gradient norm' },
  { trainer: 'generic', key: 'entropy_loss', canonical: null, why: 'sign convention differs between trainers' },
  { trainer: 'generic', key: 'clip_fraction', canonical: null, combinedClip: true, why: 'both sides together' },
  { trainer: 'generic', key: 'clipfrac', canonical: null, combinedClip: true, why: 'both sides together' },
  {
    trainer: 'generic',
    key: 'losses/clipfrac',
    canonical: null,
    combinedClip: true,
    why: 'CleanRL: both sides together',
  },
];
