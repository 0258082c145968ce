/**
 * A real pretrained instruct model on this machine (issue 21): SmolLM2-135M-Instruct, as the GGUF
 * file `npm run fetch:smollm2` puts in the models folder, on GSM8K-style word problems made by
 * cliplab, with random Bernoulli(0.5) rewards: the paper's control experiment in its own regime (a
 * 49k-token vocabulary, a peaked instruct distribution). Sized for wasm on a shared 2-core machine
 * (a step is minutes there): 8 answers of at most 24 tokens per step, LoRA on every linear layer,
 * two updates per rollout so the second sees a ratio off 1, a learning rate that moves it enough to
 * clip, and the exact attribution (trapezoid rule) on every step (it is the experiment's measurement).
 */
import type { RunConfigInput } from './config';
import { inModelsFolder, SMOLLM2_GGUF, WORD_PROBLEMS } from './models-folder';

export const SMOLLM2_CLIPS = ['sym', 'clip-high-only', 'clip-low-only', 'aggressive-low'] as const;

export const SMOLLM2_RANDOM: RunConfigInput = {
  steps: 20,
  task: { kind: 'dataset', path: inModelsFolder(WORD_PROBLEMS), format: 'gsm8k', maxNewTokens: 24 },
  policy: {
    kind: 'hf',
    path: inModelsFolder(SMOLLM2_GGUF),
    finetune: 'lora',
    lora: { rank: 16, alpha: 32 },
    sampleBatch: 8,
  },
  reward: { kind: 'bernoulli', p: 0.5 },
  rollout: { prompts: 2, groupSize: 4, temperature: 1, topP: 1 },
  advantage: { estimator: 'grpo' },
  objective: { loss: 'ppo', aggregation: 'token-mean' },
  // Micro-batches of 2 rows: with blocks checkpointed (policies/hf/model.ts) a step of this preset
  // keeps the wasm heap near 2.3 GiB, most of it the weights, their packed copies and sampling.
  optim: { optimizer: 'adam', lr: 1e-3, epochs: 1, minibatches: 2, gradClip: 1, microBatch: 2 },
  eval: { every: 0, prompts: 16, k: 1 },
  log: { samplesPerStep: 2, checkpointEvery: 1 },
  // Second order: Simpson's midpoint gradient would add a backward pass of the whole batch per update.
  attribution: { method: 'exact', every: 1, rule: 'trapezoid' },
  backend: 'wasm',
};
