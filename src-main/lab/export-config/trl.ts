/**
 * A cliplab run config as TRL `GRPOConfig(...)` keyword arguments.
 * Names checked against huggingface/trl trl/trainer/grpo_config.py and grpo_trainer.py (VERSION
 * 1.1.0.dev0): epsilon, epsilon_high, delta, loss_type (grpo, bnpo, dr_grpo, dapo, cispo, ...),
 * importance_sampling_level, scale_rewards (group / batch / none), beta, num_generations,
 * num_iterations, steps_per_generation, temperature; learning_rate, max_grad_norm, optim, seed come
 * from transformers' TrainingArguments. Older TRL releases lack loss_type="cispo" and string
 * scale_rewards values.
 *
 * TRL's `delta` is not verl's dual clip by definition: it clamps r from above in the unclipped term
 * for both advantage signs (INTELLECT-2's two-sided GRPO). For A > 0 the clipped term already caps
 * the objective at (1 + epsilon_high) A, so when delta > 1 + epsilon_high the clamp only binds for
 * A < 0, where -min(min(r, delta) A, clip(r) A) = -A min(max(r, clip(r)), delta): exactly dual clip
 * with c = delta. Only then is it exported.
 */
import type { RunConfig } from '../../contract';
import { commonGaps, ExportPlan, formatNumber, NEVER_BINDS, type Setting } from './plan';
import { answerLength, commentBlock } from './verl';

const SCALE_REWARDS: Record<RunConfig['advantage']['estimator'], (plan: ExportPlan, G: number) => void> = {
  grpo: (plan) => plan.set('scale_rewards', 'group'),
  dr_grpo: (plan) => plan.set('scale_rewards', 'none'),
  rloo: (plan, G) =>
    plan.approximate(
      'scale_rewards',
      'none',
      `RLOO's advantages are G/(G-1) = ${formatNumber(G / (G - 1))} times TRL's group-centred rewards; scale learning_rate by it to match`,
    ),
  reinforce_pp: (plan) =>
    plan.approximate(
      'scale_rewards',
      'batch',
      'REINFORCE++ whitens rewards over the batch with no group baseline; TRL subtracts the group mean first',
    ),
};

/** How each cliplab aggregation normalises the summed token losses, as TRL names it. */
const LOSS_TYPE: Record<RunConfig['objective']['aggregation'], string> = {
  'token-mean': 'dapo',
  'seq-mean-token-mean': 'grpo',
  // TRL's luspo sums each completion's token losses and averages over completions (it warns unless
  // importance_sampling_level="sequence", LUSPO's paper setting, but computes the same either way).
  'seq-mean-token-sum': 'luspo',
  'seq-mean-token-sum-norm': 'dr_grpo',
};

/** dr_grpo divides by max_completion_length: cliplab's L, the task's longest answer (also its length cap). */
function aggregation(o: RunConfig['objective'], plan: ExportPlan, L: number): void {
  plan.set('loss_type', LOSS_TYPE[o.aggregation]);
  if (o.aggregation === 'seq-mean-token-sum-norm') plan.set('max_completion_length', L);
}

function clipBounds(o: RunConfig['objective'], plan: ExportPlan): void {
  plan.set('epsilon', o.clipLow);
  if (o.clipHigh === null) {
    plan.approximate(
      'epsilon_high',
      NEVER_BINDS,
      'no upper clip; TRL has no off switch (None means "same as epsilon")',
    );
  } else plan.set('epsilon_high', o.clipHigh);
  if (o.dualClip === null) return;
  if (o.clipHigh !== null && o.dualClip > 1 + o.clipHigh) plan.set('delta', o.dualClip);
  else plan.gap(`dual clip c=${o.dualClip}: TRL's delta equals it only when delta > 1 + epsilon_high`);
}

type LossExport = (o: RunConfig['objective'], plan: ExportPlan, L: number) => void;

const LOSSES: Record<RunConfig['objective']['loss'], LossExport> = {
  ppo: (o, plan, L) => {
    aggregation(o, plan, L);
    clipBounds(o, plan);
  },
  gspo: (o, plan, L) => {
    plan.set('importance_sampling_level', 'sequence');
    aggregation(o, plan, L);
    clipBounds(o, plan);
  },
  // TRL's CISPO caps the importance weight at epsilon_high itself (a ratio, not 1 + eps) and has no lower bound.
  cispo: (o, plan) => {
    plan.set('loss_type', 'cispo');
    if (o.clipHigh === null) plan.approximate('epsilon_high', NEVER_BINDS, 'no upper bound on the IS weight');
    else plan.set('epsilon_high', 1 + o.clipHigh);
    if (o.clipLow < 1)
      plan.gap(`CISPO lower bound 1 - ${o.clipLow} on the IS weight: TRL's cispo only caps it from above`);
    if (o.aggregation !== 'token-mean')
      plan.gap(`aggregation ${o.aggregation} with CISPO: TRL's cispo always normalises by tokens`);
    if (o.dualClip !== null) plan.gap(`dual clip c=${o.dualClip}: not applied by CISPO`);
  },
  clip_cov: (o, plan, L) => {
    plan.gap(
      `loss clip_cov (ratio ${o.covRatio}, window ${o.covLow}..${o.covHigh}): TRL has no covariance-based loss; exported as the plain clipped loss`,
    );
    LOSSES.ppo(o, plan, L);
  },
  kl_cov: (o, plan, L) => {
    plan.gap(
      `loss kl_cov (ratio ${o.covRatio}, coef ${o.klCovCoef}): TRL has no covariance-based loss; exported as the plain clipped loss`,
    );
    LOSSES.ppo(o, plan, L);
  },
};

function batching(config: RunConfig, plan: ExportPlan): void {
  const G = config.rollout.groupSize;
  const responses = config.rollout.prompts * G;
  const { minibatches } = config.optim;
  if (G < 2) plan.gap(`group size ${G}: TRL's GRPO needs num_generations >= 2`);
  plan.set('num_generations', Math.max(2, G));
  // One process, no accumulation: each of steps_per_generation optimizer steps takes one minibatch.
  const perStep = Math.max(1, Math.round(responses / minibatches));
  if (responses % minibatches === 0) plan.set('per_device_train_batch_size', perStep);
  else
    plan.approximate(
      'per_device_train_batch_size',
      perStep,
      `${responses} responses do not split evenly into ${minibatches} minibatches`,
    );
  plan.set('gradient_accumulation_steps', 1);
  plan.set('steps_per_generation', minibatches);
  plan.set('num_iterations', config.optim.epochs);
}

function optimiser(config: RunConfig, plan: ExportPlan): void {
  const { optim, objective } = config;
  plan.set('learning_rate', optim.lr);
  plan.set('lr_scheduler_type', 'constant');
  plan.set('warmup_ratio', 0);
  plan.set('optim', optim.optimizer === 'sgd' ? 'sgd' : 'adamw_torch');
  plan.set('weight_decay', 0);
  if (optim.optimizer === 'adam') {
    plan.set('adam_beta1', optim.beta1);
    plan.set('adam_beta2', optim.beta2);
  }
  // transformers' Trainer skips gradient clipping when max_grad_norm is 0.
  plan.set('max_grad_norm', optim.gradClip ?? 0);
  plan.set('beta', objective.klCoef);
  if (objective.klCoef > 0 && objective.klEstimator === 'k1')
    plan.gap("KL estimator k1: TRL's KL penalty is always k3");
  if (objective.entropyCoef > 0) {
    plan.gap(
      `entropy bonus ${objective.entropyCoef}: GRPOConfig has none (top_entropy_quantile masks tokens, it adds no bonus)`,
    );
  }
}

export function trlPlan(config: RunConfig): ExportPlan {
  const plan = new ExportPlan();
  plan.set('output_dir', `${(config.name || 'cliplab').replace(/[^\w.-]+/g, '-')}-grpo`);
  plan.set('max_steps', config.steps);
  plan.set('seed', config.seed);
  plan.set('logging_steps', 1);
  plan.set('temperature', config.rollout.temperature);
  batching(config, plan);
  SCALE_REWARDS[config.advantage.estimator](plan, config.rollout.groupSize);
  LOSSES[config.objective.loss](config.objective, plan, answerLength(config.task));
  optimiser(config, plan);
  commonGaps(config, plan, 'TRL');
  return plan;
}

function pythonValue(v: Setting['value']): string {
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return formatNumber(v);
  return JSON.stringify(v);
}

export function renderTrl(config: RunConfig, plan: ExportPlan): string {
  const name = config.name || 'unnamed run';
  const lines = [
    `# TRL GRPOConfig for the cliplab run "${name}".`,
    '# Checked against huggingface/trl grpo_config.py and grpo_trainer.py (1.1.0.dev0).',
    '# Batch sizes assume one process; with N processes divide per_device_train_batch_size by N.',
    ...commentBlock('Approximations', plan.approximations),
    ...commentBlock('No counterpart in TRL', plan.gaps),
    'from trl import GRPOConfig',
    '',
    'config = GRPOConfig(',
    ...plan.settings.map((s) => `    ${s.key}=${pythonValue(s.value)},`),
    ')',
  ];
  return `${lines.join('\n')}\n`;
}
