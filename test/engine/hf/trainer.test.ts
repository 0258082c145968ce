/**
 * The trainer drives a Hugging Face policy through its ordinary seams: a tiny random Llama-family
 * and a tiny GPT-2 checkpoint (made by transformers) train for clipped GRPO steps on a GSM8K file
 * with every metric the GPT reports; LoRA checkpoints hold adapters only; resume replays exactly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRIC, runConfigSchema } from '../../../src-main/contract';
import { createTrainer } from '../../../src-main/engine/trainer';
import type { StepResult } from '../../../src-main/engine/types';
import { python } from '../../support/python';
import { useCpuBackend } from '../support';
import { tinyHfConfig, writeGsm8k } from './fixtures';
import { Reference, skipReason, tempDir } from './support';

describe.skipIf(!python)(`HF policy in the trainer${skipReason}`, () => {
  const tmp = tempDir();
  let ref: Reference;
  let llama: string;
  let gpt2: string;
  let data: string;
  beforeAll(async () => {
    await useCpuBackend();
    ref = new Reference();
    [llama, gpt2] = [await ref.make(tmp.dir, 'qwen2'), await ref.make(tmp.dir, 'gpt2')];
    data = writeGsm8k(tmp.dir);
  });
  afterAll(() => {
    ref?.close();
    tmp.remove();
  });

  async function run(config: ReturnType<typeof tinyHfConfig>): Promise<StepResult[]> {
    const trainer = await createTrainer(runConfigSchema.parse(config));
    const results: StepResult[] = [];
    try {
      while (trainer.step < trainer.config.steps) results.push(await trainer.runStep());
    } finally {
      trainer.dispose();
    }
    return results;
  }

  it('trains LoRA on a Llama-family model with every GPT metric', async () => {
    const results = await run(tinyHfConfig(llama, data, { objective: { clipLow: 0.1, clipHigh: 0.1 } }));
    const metrics = results[1].metrics;
    for (const key of [METRIC.entropy, METRIC.clipLowFrac, METRIC.clipHighFrac, METRIC.entropyDelta, METRIC.evalAcc]) {
      expect(Number.isFinite(metrics[key]), key).toBe(true);
    }
    expect(metrics[METRIC.entropy]).toBeGreaterThan(0);
    expect(results[0].samples[0].prompt).toContain('Tom has');
    expect(results[0].samples[0].responses[0].text.length).toBeGreaterThan(0);
  });

  it('fully fine-tunes GPT-2', async () => {
    const results = await run(tinyHfConfig(gpt2, data, { policy: { kind: 'hf', path: gpt2, finetune: 'full' } }));
    expect(Number.isFinite(results[1].metrics[METRIC.gradNorm])).toBe(true);
  });
});
