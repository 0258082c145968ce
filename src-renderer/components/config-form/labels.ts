/**
 * Labels and help for the generated config form, by dotted path. The schema's JSDoc is gone at
 * runtime, so the words live here; a path missing from the map shows its key.
 */
export interface FieldText {
  label: string;
  help?: string;
  /** Label of the switch that sets a nullable value to null. @default "off" */
  nullLabel?: string;
}

export const FIELD_TEXT: Readonly<Record<string, FieldText>> = {
  run: { label: 'Run' },
  name: { label: 'Name', help: 'Shown in tables and legends; empty names the run after its settings.' },
  seed: { label: 'Seed', help: 'Every random draw of the run comes from this seed.' },
  steps: { label: 'Steps', help: 'Training steps: one rollout and its updates each.' },
  backend: { label: 'Backend', help: 'auto tries the fastest available backend; the one used is stored with the run.' },
  threads: {
    label: 'Threads',
    help: 'Cores one run computes with (wasm). Only speed depends on it, never the results.',
    nullLabel: 'free cores',
  },

  task: { label: 'Task' },
  'task.kind': {
    label: 'Task',
    help: 'bandit: one tabular softmax per prompt; dataset: problems from a file for a Hugging Face model; the others are digit tasks for the GPT.',
  },
  'task.path': { label: 'Data file', help: 'A JSONL or Parquet file of problems where the lab runs.' },
  'task.format': { label: 'Format', help: 'gsm8k: the answer after "####"; math: the answer in \\boxed{}.' },
  'task.evalPath': { label: 'Held-out file', help: 'e.g. the test split.', nullLabel: 'hold out 1/8 of the data' },
  'task.promptFormat': {
    label: 'Prompt',
    help: 'The text around each question; {question} marks where it goes.',
    nullLabel: "the format's default",
  },
  'task.systemPrompt': { label: 'System prompt', nullLabel: 'none' },
  'task.chatTemplate': { label: "Use the model's chat template" },
  'task.maxNewTokens': { label: 'Max new tokens', help: 'Longest response, its end token included.' },
  'task.prompts': { label: 'Prompts', help: 'States of the bandit, one softmax each.' },
  'task.actions': { label: 'Actions', help: 'Actions per prompt.' },
  'task.correct': { label: 'Correct actions', help: 'Per prompt; used by the verifier reward.' },
  'task.seed': { label: 'Task seed', help: 'Fixes the task (and held-out prompts), shared across run seeds.' },
  'task.size': { label: 'Size', help: 'Digits per operand (add, mod, divisor) or list length (sort, reverse).' },

  policy: { label: 'Policy' },
  'policy.kind': {
    label: 'Policy',
    help: 'tabular for the bandit, gpt for the digit tasks, hf for a pretrained model on a dataset.',
  },
  'policy.path': {
    label: 'Model folder',
    help: 'A Hugging Face folder: config.json, model.safetensors, tokenizer files.',
  },
  'policy.finetune': { label: 'Fine-tuning', help: 'lora trains low-rank adapters only; full trains every weight.' },
  'policy.lora': { label: 'LoRA' },
  'policy.lora.rank': { label: 'Rank r' },
  'policy.lora.alpha': { label: 'Alpha', help: 'The update is scaled by alpha / r.' },
  'policy.lora.targets': { label: 'Target modules', help: 'Module names separated by commas, or all-linear.' },
  'policy.stop': {
    label: 'Extra stop tokens',
    help: 'Token texts separated by commas, beside the model’s end tokens.',
  },
  'policy.sampleBatch': { label: 'Rows decoded together', help: 'Bounds the KV cache.', nullLabel: 'all' },
  'policy.logitStd': { label: 'Initial logit std', help: 'Initial logits ~ N(0, std²), drawn with the task seed.' },
  'policy.dModel': { label: 'Model width (d_model)' },
  'policy.layers': { label: 'Layers' },
  'policy.heads': { label: 'Attention heads', help: 'Must divide d_model.' },
  'policy.context': { label: 'Context', help: 'Tokens of context.', nullLabel: "task's need" },
  'policy.base': {
    label: 'Base model',
    help: 'Supervised training that makes the starting policy; reused by every run naming the same one.',
  },
  'policy.base.steps': { label: 'Supervised steps', help: 'Upper bound when a target accuracy is set.' },
  'policy.base.labelNoise': {
    label: 'Label noise',
    help: 'Share of answers with a digit replaced, so the base keeps real entropy.',
  },
  'policy.base.targetAcc': {
    label: 'Target accuracy',
    help: 'Stop once greedy held-out accuracy reaches this.',
    nullLabel: 'run all steps',
  },
  'policy.base.lr': { label: 'Learning rate' },
  'policy.base.batchSize': { label: 'Batch size' },
  'policy.base.seed': { label: 'Base seed', help: 'Independent of the run seed.' },

  reward: { label: 'Reward' },
  'reward.kind': {
    label: 'Reward',
    help: 'verifier checks the answer; bernoulli and gaussian ignore it (the paper’s random-reward control).',
  },
  'reward.p': { label: 'p (reward 1)', help: 'Probability of reward 1, independent of the response.' },
  'reward.mean': { label: 'Mean' },
  'reward.std': { label: 'Std' },

  rollout: { label: 'Rollout' },
  'rollout.prompts': { label: 'Prompts per step' },
  'rollout.groupSize': { label: 'Group size G', help: 'Responses per prompt.' },
  'rollout.temperature': { label: 'Temperature' },
  'rollout.topP': {
    label: 'Top-p',
    help: 'Nucleus sampling (Hugging Face models); entropy is always of the full distribution.',
  },

  advantage: { label: 'Advantage' },
  'advantage.estimator': { label: 'Estimator', help: 'grpo normalises by the group std; dr_grpo does not.' },

  objective: { label: 'Objective' },
  'objective.loss': {
    label: 'Loss',
    help: 'ppo clip; gspo sequence ratio; cispo clips the weight only; clip_cov / kl_cov (Cui et al.).',
  },
  'objective.clipLow': { label: 'ε_low' },
  'objective.clipHigh': { label: 'ε_high' },
  'objective.dualClip': { label: 'Dual clip c' },
  'objective.aggregation': { label: 'Aggregation', help: 'How per-token losses reduce to one number.' },
  'objective.entropyCoef': { label: 'Entropy bonus β_H', help: 'loss = L_pg − β_H·H.' },
  'objective.klCoef': { label: 'KL coefficient', help: 'Penalty towards the starting policy.' },
  'objective.klEstimator': { label: 'KL estimator' },
  'objective.covRatio': { label: 'Cov ratio', help: 'Share of tokens Clip-Cov / KL-Cov select.' },
  'objective.covLow': { label: 'Cov window low' },
  'objective.covHigh': { label: 'Cov window high' },
  'objective.klCovCoef': { label: 'KL-Cov coefficient', help: 'On |log r|.' },

  optim: { label: 'Optimizer' },
  'optim.optimizer': { label: 'Optimizer' },
  'optim.lr': { label: 'Learning rate' },
  'optim.epochs': { label: 'Epochs', help: 'Passes over each rollout.' },
  'optim.minibatches': {
    label: 'Minibatches',
    help: 'Optimizer steps per epoch; clipping acts only once the policy has moved.',
  },
  'optim.gradClip': { label: 'Gradient clip', help: 'Global norm.' },
  'optim.beta1': { label: 'Adam β1' },
  'optim.beta2': { label: 'Adam β2' },
  'optim.microBatch': {
    label: 'Micro-batch',
    help: 'Rows per forward/backward pass; gradients accumulate over a minibatch.',
    nullLabel: 'whole minibatch',
  },

  eval: { label: 'Evaluation' },
  'eval.every': { label: 'Every N steps', help: '0 is never (the last step is always evaluated otherwise).' },
  'eval.prompts': { label: 'Held-out prompts' },
  'eval.k': { label: 'k of pass@k' },

  log: { label: 'Logging' },
  'log.samplesPerStep': { label: 'Samples per step', help: 'Prompts whose responses the sample browser keeps.' },
  'log.checkpointEvery': { label: 'Checkpoint every', help: 'Steps; 0 only at the end.' },
};

export function fieldText(path: string, key = path.split('.').pop() ?? path): Required<FieldText> {
  const text = FIELD_TEXT[path];
  return { label: text?.label ?? key, help: text?.help ?? '', nullLabel: text?.nullLabel ?? 'off' };
}
