/** Small GSM8K- and MATH-style problem files written at test time. */
import fs from 'node:fs';
import path from 'node:path';
import type { RunConfigInput } from '../../../src-main/contract';

/** `n` GSM8K-style records (question, answer with "#### N") as JSONL in `dir`. */
export function writeGsm8k(dir: string, n = 24, name = 'gsm8k.jsonl'): string {
  const lines = Array.from({ length: n }, (_, i) => {
    const [a, b] = [3 + ((i * 7) % 40), 5 + ((i * 11) % 60)];
    return JSON.stringify({
      question: `Tom has ${a} apples and buys ${b} more. How many apples does he have now?`,
      answer: `He has ${a} + ${b} = <<${a}+${b}=${a + b}>>${a + b} apples.\n#### ${a + b}`,
    });
  });
  const file = path.join(dir, name);
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/** A run config for a tiny HF model on a GSM8K file: small batches, short answers, fast. */
export function tinyHfConfig(modelDir: string, dataFile: string, extra: Partial<RunConfigInput> = {}): RunConfigInput {
  return {
    steps: 2,
    seed: 3,
    task: { kind: 'dataset', path: dataFile, format: 'gsm8k', maxNewTokens: 6 },
    policy: { kind: 'hf', path: modelDir, finetune: 'lora', lora: { rank: 4, alpha: 8 } },
    reward: { kind: 'bernoulli', p: 0.5 },
    rollout: { prompts: 2, groupSize: 4, temperature: 1 },
    optim: { optimizer: 'adam', lr: 1e-2, epochs: 2, minibatches: 2, microBatch: 2 },
    eval: { every: 1, prompts: 2, k: 2 },
    log: { samplesPerStep: 1, checkpointEvery: 1 },
    backend: 'cpu',
    ...extra,
  };
}
