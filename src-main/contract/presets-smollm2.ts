/**
 * A real pretrained instruct model on this machine (issue 21): SmolLM2-135M-Instruct, as the GGUF
 * file `npm run fetch:smollm2` puts in the models folder, on GSM8K-style word problems made by
 * cliplab, with random Bernoulli(0.5) rewards: the paper's control experiment in its own regime (a
 * 49k-token vocabulary, a peaked instruct distribution). Sized for wasm on one core: short answers,
 * small groups, LoRA on every linear layer, several updates per rollout so the ratio moves off 1.
 */
import type { RunConfigInput } from './config';
import type { ClipSetting, Preset } from './presets';
import { inModelsFolder, SMOLLM2_GGUF, WORD_PROBLEMS } from './models-folder';

export const SMOLLM2_CLIPS = ['sym', 'clip-high-only', 'clip-low-only', 'aggressive-low'] as const;

const smollm2Random: RunConfigInput = {
  steps: 40,
  task: { kind: 'dataset', path: inModelsFolder(WORD_PROBLEMS), format: 'gsm8k', maxNewTokens: 48 },
  policy: {
    kind: 'hf',
    path: inModelsFolder(SMOLLM2_GGUF),
    finetune: 'lora',
    lora: { rank: 16, alpha: 32 },
    sampleBatch: 16,
  },
  reward: { kind: 'bernoulli', p: 0.5 },
  rollout: { prompts: 4, groupSize: 4, temperature: 1, topP: 1 },
  advantage: { estimator: 'grpo' },
  objective: { loss: 'ppo', aggregation: 'token-mean' },
  optim: { optimizer: 'adam', lr: 2e-4, epochs: 2, minibatches: 2, gradClip: 1, microBatch: 8 },
  eval: { every: 0, prompts: 16, k: 1 },
  log: { samplesPerStep: 2, checkpointEvery: 5 },
  backend: 'wasm',
};

/** One preset per clip setting of the experiment (the clip settings passed in, from presets.ts). */
export function smollm2Presets(clips: readonly ClipSetting[]): Preset[] {
  return SMOLLM2_CLIPS.map((id) => {
    const c = clips.find((s) => s.id === id)!;
    return {
      name: `smollm2-gsm8k-random-${id}`,
      title: `SmolLM2-135M-Instruct on word problems, random rewards, ${c.label}`,
      description: `${c.expectation} (needs \`npm run fetch:smollm2\` once)`,
      config: { ...smollm2Random, objective: { ...smollm2Random.objective, clipLow: c.clipLow, clipHigh: c.clipHigh } },
    };
  });
}
