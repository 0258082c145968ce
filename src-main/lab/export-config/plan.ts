/**
 * What every config export is made of: the settings that carry over, the ones that only carry over
 * approximately (with the reason), and what the target trainer has no counterpart for. Renderers
 * (verl.ts, trl.ts) turn a plan into text.
 */
import type { RunConfig } from '../../contract';

export type SettingValue = string | number | boolean;

export interface Setting {
  key: string;
  value: SettingValue;
}

export class ExportPlan {
  readonly settings: Setting[] = [];
  readonly approximations: string[] = [];
  readonly gaps: string[] = [];

  set(key: string, value: SettingValue): void {
    this.settings.push({ key, value });
  }

  approximate(key: string, value: SettingValue, why: string): void {
    this.set(key, value);
    this.approximations.push(`${key}=${formatNumberish(value)}: ${why}`);
  }

  gap(what: string): void {
    this.gaps.push(what);
  }
}

/**
 * A bound that cliplab can switch off but the trainers cannot: a value so large it never binds.
 * Both trainers clamp log-ratios to [-20, 20] or less before exponentiating (verl core_algos.py), so
 * ratios stay below e^20 ~ 4.9e8 < 1e9.
 */
export const NEVER_BINDS = 1e9;

/** Numbers as both Python and Hydra read them: `1e9` rather than `1000000000`, `0.0003` as is. */
export function formatNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) >= 1e6) {
    const [mantissa, exp] = n.toExponential().split('e');
    return `${mantissa}e${exp.replace('+', '')}`;
  }
  return String(n);
}

function formatNumberish(v: SettingValue): string {
  return typeof v === 'number' ? formatNumber(v) : String(v);
}

/** cliplab minibatches split P x G responses; both trainers split whole prompt groups. */
export function promptsPerMiniBatch(config: RunConfig, plan: ExportPlan, key: string): number {
  const { prompts } = config.rollout;
  const { minibatches } = config.optim;
  if (prompts % minibatches === 0) return prompts / minibatches;
  const size = Math.max(1, Math.round(prompts / minibatches));
  plan.approximations.push(
    `${key}: cliplab splits ${prompts} x ${config.rollout.groupSize} responses into ${minibatches} minibatches; ` +
      `the trainer splits whole prompt groups, so ${size} prompts per mini-batch give ` +
      `${Math.ceil(prompts / size)} updates per epoch`,
  );
  return size;
}

/** What no LLM trainer config can express: cliplab's own tasks, policies and control rewards. */
export function commonGaps(config: RunConfig, plan: ExportPlan, trainer: 'verl' | 'TRL'): void {
  const task = config.task;
  if (task.kind === 'dataset') {
    plan.gap(
      `task dataset (${task.format}, ${task.path}): give ${trainer} the same file with its ${task.format} reward`,
    );
  } else {
    const what =
      task.kind === 'bandit'
        ? `bandit (${task.prompts} prompts x ${task.actions} actions)`
        : `${task.kind} (size ${task.size})`;
    plan.gap(`task ${what}: a cliplab toy task; give ${trainer} your own prompt dataset`);
  }
  const policy = config.policy;
  if (policy.kind === 'hf') {
    plan.gap(
      `policy: the model folder ${policy.path}; point ${trainer} at the same checkpoint (${policy.finetune === 'lora' ? `LoRA rank ${policy.lora.rank}, alpha ${policy.lora.alpha}` : 'full fine-tuning'})`,
    );
  } else {
    const what =
      policy.kind === 'tabular'
        ? 'a tabular softmax policy'
        : `a ${policy.layers}-layer GPT (d=${policy.dModel}) trained from scratch`;
    plan.gap(`policy: ${what}; ${trainer} fine-tunes a pretrained language model`);
  }
  const reward = config.reward;
  if (reward.kind === 'bernoulli') {
    plan.gap(
      `reward bernoulli(p=${reward.p}): the random-reward control has no switch; use a reward function returning float(random.random() < ${reward.p})`,
    );
  } else if (reward.kind === 'gaussian') {
    plan.gap(
      `reward gaussian(mean=${reward.mean}, std=${reward.std}): no switch; use a reward function returning random.gauss(${reward.mean}, ${reward.std})`,
    );
  } else {
    plan.gap(`reward verifier: cliplab's exact task checker; use your dataset's verifier as the reward function`);
  }
  plan.gap(
    `eval: greedy accuracy and pass@${config.eval.k} on ${config.eval.prompts} held-out prompts every ${config.eval.every} steps are cliplab metrics`,
  );
  plan.gap(`backend "${config.backend}", samples per step and checkpoint cadence are cliplab settings`);
}
