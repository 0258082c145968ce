/**
 * A cliplab run config as verl Hydra overrides for `python3 -m verl.trainer.main_ppo`.
 * Option names checked against volcengine/verl: verl/trainer/config/actor/actor.yaml (clip_ratio_low,
 * clip_ratio_high, clip_ratio_c, loss_agg_mode, policy_loss.{loss_mode, clip_cov_ratio, clip_cov_lb,
 * clip_cov_ub, kl_cov_ratio, ppo_kl_coef}, entropy_coeff, use_kl_loss, kl_loss_coef, kl_loss_type,
 * ppo_epochs, ppo_mini_batch_size, optim.lr, grad_clip), ppo_trainer.yaml (algorithm.adv_estimator,
 * norm_adv_by_std_in_grpo, data.train_batch_size, rollout.n, rollout.temperature) and
 * verl/trainer/ppo/core_algos.py (policy-loss and advantage registries). `policy_loss.loss_mode`
 * needs verl 0.5 or later; loss_mode=cispo a later release still.
 */
import { sequenceTaskShape, type RunConfig } from '../../contract';
import { commonGaps, ExportPlan, formatNumber, NEVER_BINDS, promptsPerMiniBatch, type Setting } from './plan';

const ACTOR = 'actor_rollout_ref.actor';

const ADVANTAGE: Record<RunConfig['advantage']['estimator'], (plan: ExportPlan) => void> = {
  grpo: (plan) => {
    plan.set('algorithm.adv_estimator', 'grpo');
    plan.set('algorithm.norm_adv_by_std_in_grpo', true);
  },
  // Dr. GRPO is verl's GRPO without the std division (core_algos.compute_grpo_outcome_advantage).
  dr_grpo: (plan) => {
    plan.set('algorithm.adv_estimator', 'grpo');
    plan.set('algorithm.norm_adv_by_std_in_grpo', false);
  },
  rloo: (plan) => plan.set('algorithm.adv_estimator', 'rloo'),
  reinforce_pp: (plan) => plan.set('algorithm.adv_estimator', 'reinforce_plus_plus'),
};

const LOSS_MODE: Record<RunConfig['objective']['loss'], string> = {
  ppo: 'vanilla',
  gspo: 'gspo',
  cispo: 'cispo',
  clip_cov: 'clip_cov',
  kl_cov: 'kl_cov',
};

function clipping(o: RunConfig['objective'], plan: ExportPlan): void {
  if (o.loss === 'kl_cov') return; // KL-Cov penalises instead of clipping, in cliplab and in verl
  plan.set(`${ACTOR}.clip_ratio_low`, o.clipLow);
  if (o.clipHigh === null) {
    plan.approximate(
      `${ACTOR}.clip_ratio_high`,
      NEVER_BINDS,
      'no upper clip; verl has no off switch (null means "same as clip_ratio")',
    );
  } else plan.set(`${ACTOR}.clip_ratio_high`, o.clipHigh);
  // Only verl's vanilla loss applies clip_ratio_c, and it always does (default 3.0) for A < 0 tokens.
  if (o.loss === 'ppo') {
    if (o.dualClip === null)
      plan.approximate(`${ACTOR}.clip_ratio_c`, NEVER_BINDS, "no dual clip; verl's vanilla loss always applies one");
    else plan.set(`${ACTOR}.clip_ratio_c`, o.dualClip);
  } else if (o.dualClip !== null) {
    plan.gap(`dual clip c=${o.dualClip}: verl's ${LOSS_MODE[o.loss]} loss does not apply clip_ratio_c`);
  }
}

function lossMode(config: RunConfig, plan: ExportPlan): void {
  const o = config.objective;
  plan.set(`${ACTOR}.policy_loss.loss_mode`, LOSS_MODE[o.loss]);
  if (o.loss === 'clip_cov') {
    plan.set(`${ACTOR}.policy_loss.clip_cov_ratio`, o.covRatio);
    plan.set(`${ACTOR}.policy_loss.clip_cov_lb`, o.covLow);
    plan.set(`${ACTOR}.policy_loss.clip_cov_ub`, o.covHigh);
  } else if (o.loss === 'kl_cov') {
    plan.set(`${ACTOR}.policy_loss.kl_cov_ratio`, o.covRatio);
    plan.set(`${ACTOR}.policy_loss.ppo_kl_coef`, o.klCovCoef);
  }
  AGGREGATION[o.aggregation](plan, answerLength(config.task));
  if (o.loss === 'gspo' && o.aggregation !== 'seq-mean-token-mean') {
    plan.gap(`aggregation ${o.aggregation} with GSPO: verl's gspo loss always uses seq-mean-token-mean`);
  }
}

/** L of Dr. GRPO's constant normaliser: the task's longest answer (engine/rl/aggregate.ts, tasks/). */
export function answerLength(task: RunConfig['task']): number {
  if (task.kind === 'bandit') return 1;
  if (task.kind === 'dataset') return task.maxNewTokens;
  return sequenceTaskShape(task).maxAnswerLen;
}

/**
 * cliplab's aggregations as verl's loss_agg_mode (verl/trainer/ppo/core_algos.py `agg_loss`).
 * seq-mean-token-sum-norm shares only its name with verl's: cliplab weighs each token 1 / (B L) with
 * L the task's longest answer; verl 0.9 weighs it 1 / (B * loss_scale_factor), the scale factor
 * defaulting to the padded response length, so the export sets it to L. Earlier releases differ more
 * (verl 0.7 and 0.8 leave out the 1/B; before 0.7 there is no loss_scale_factor), which the comment
 * block says, with the mode that means the same in every release.
 */
const AGGREGATION: Record<RunConfig['objective']['aggregation'], (plan: ExportPlan, L: number) => void> = {
  'token-mean': (plan) => plan.set(`${ACTOR}.loss_agg_mode`, 'token-mean'),
  'seq-mean-token-mean': (plan) => plan.set(`${ACTOR}.loss_agg_mode`, 'seq-mean-token-mean'),
  'seq-mean-token-sum': (plan) => plan.set(`${ACTOR}.loss_agg_mode`, 'seq-mean-token-sum'),
  'seq-mean-token-sum-norm': (plan, L) => {
    plan.set(`${ACTOR}.loss_agg_mode`, 'seq-mean-token-sum-norm');
    plan.approximate(
      `${ACTOR}.loss_scale_factor`,
      L,
      `cliplab's seq-mean-token-sum-norm divides each response's token sum by B * L, L = ${L} (the task's ` +
        `longest answer); verl 0.9 divides by B * loss_scale_factor, so this matches there. verl 0.7 and 0.8 ` +
        'leave out the 1/B (the gradient grows with ppo_micro_batch_size_per_gpu, which changes grad_clip), and ' +
        'verl before 0.7 has no loss_scale_factor and divides by the padded response length: on those, use ' +
        `loss_agg_mode=seq-mean-token-sum with optim.lr divided by ${L} (exact for SGD; Adam ignores the scale)`,
    );
  },
};

function regularisers(o: RunConfig['objective'], plan: ExportPlan): void {
  plan.set(`${ACTOR}.entropy_coeff`, o.entropyCoef);
  plan.set(`${ACTOR}.use_kl_loss`, o.klCoef > 0);
  if (o.klCoef > 0) {
    plan.set(`${ACTOR}.kl_loss_coef`, o.klCoef);
    plan.set(`${ACTOR}.kl_loss_type`, o.klEstimator === 'k1' ? 'kl' : 'low_var_kl');
  }
  plan.set('algorithm.use_kl_in_reward', false);
}

function optimisation(config: RunConfig, plan: ExportPlan): void {
  const { optim } = config;
  plan.set(`${ACTOR}.ppo_epochs`, optim.epochs);
  plan.set(`${ACTOR}.ppo_mini_batch_size`, promptsPerMiniBatch(config, plan, `${ACTOR}.ppo_mini_batch_size`));
  plan.set(`${ACTOR}.optim.lr`, optim.lr);
  plan.set(`${ACTOR}.optim.weight_decay`, 0);
  if (optim.gradClip === null)
    plan.approximate(`${ACTOR}.grad_clip`, NEVER_BINDS, 'no gradient clipping; verl always clips');
  else plan.set(`${ACTOR}.grad_clip`, optim.gradClip);
  if (optim.optimizer === 'sgd') plan.gap("optimizer sgd: verl's actor uses AdamW");
  else if (optim.beta1 !== 0.9 || optim.beta2 !== 0.999)
    plan.gap(`Adam betas (${optim.beta1}, ${optim.beta2}): verl uses AdamW's defaults (0.9, 0.999)`);
}

export function verlPlan(config: RunConfig): ExportPlan {
  const plan = new ExportPlan();
  ADVANTAGE[config.advantage.estimator](plan);
  plan.set('data.train_batch_size', config.rollout.prompts);
  plan.set('actor_rollout_ref.rollout.n', config.rollout.groupSize);
  plan.set('actor_rollout_ref.rollout.temperature', config.rollout.temperature);
  lossMode(config, plan);
  clipping(config.objective, plan);
  regularisers(config.objective, plan);
  optimisation(config, plan);
  plan.set('trainer.total_training_steps', config.steps);
  plan.gap(`seed ${config.seed}: verl has no single run seed`);
  commonGaps(config, plan, 'verl');
  return plan;
}

function hydraValue(v: Setting['value']): string {
  if (typeof v === 'number') return formatNumber(v);
  return String(v);
}

export function renderVerl(config: RunConfig, plan: ExportPlan): string {
  const name = config.name || 'unnamed run';
  const lines = [
    `# verl Hydra overrides for the cliplab run "${name}".`,
    '# Checked against volcengine/verl actor.yaml, ppo_trainer.yaml and core_algos.py',
    '# (policy_loss.loss_mode needs verl >= 0.5; loss_mode=cispo a later release).',
    '# Add data.train_files, data.val_files and actor_rollout_ref.model.path for your data and model.',
    ...commentBlock('Approximations', plan.approximations),
    ...commentBlock('No counterpart in verl', plan.gaps),
    'python3 -m verl.trainer.main_ppo \\',
    ...plan.settings.map((s, i) => `    ${s.key}=${hydraValue(s.value)}${i < plan.settings.length - 1 ? ' \\' : ''}`),
  ];
  return `${lines.join('\n')}\n`;
}

export function commentBlock(title: string, items: string[]): string[] {
  if (items.length === 0) return [];
  return ['#', `# ${title}:`, ...items.map((item) => `#   - ${item}`)];
}
