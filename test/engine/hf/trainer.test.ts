/**
 * The trainer with a Hugging Face policy through its ordinary seams: LoRA checkpoints hold the
 * adapters only, and a run resumed from one continues exactly as an uninterrupted run would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConfigSchema } from '../../../src-main/contract';
import { createTrainer } from '../../../src-main/engine/trainer';
import type { StepResult, TrainerState } from '../../../src-main/engine/types';
import { python } from '../../support/python';
import { tinyHfConfig, writeGsm8k } from './fixtures';
import { Reference, skipReason, tempDir, START_TIMEOUT_MS } from './support';

describe.skipIf(!python)(`HF policy in the trainer${skipReason}`, () => {
  const tmp = tempDir();
  let ref: Reference;
  let model: string;
  let data: string;
  beforeAll(async () => {
    ref = await Reference.start();
    model = await ref.make(tmp.dir, 'llama');
    data = writeGsm8k(tmp.dir);
  }, START_TIMEOUT_MS);
  afterAll(() => {
    ref?.close();
    tmp.remove();
  });

  const config = () =>
    runConfigSchema.parse(
      tinyHfConfig(model, data, { steps: 2, backend: 'wasm', eval: { every: 0, prompts: 2, k: 2 } }),
    );

  it('checkpoints LoRA adapters only and resumes exactly', async () => {
    const straight = await createTrainer(config());
    let state: TrainerState;
    let second: StepResult;
    try {
      await straight.runStep();
      state = await straight.state();
      second = await straight.runStep();
    } finally {
      straight.dispose();
    }
    const names = Object.keys(state.weights);
    expect(names.length).toBeGreaterThan(0);
    expect(names.every((n) => /^lora\.h\d+\.(q|k|v|o|gate|up|down)\.(A|B)$/.test(n))).toBe(true);

    const resumed = await createTrainer(config(), { resume: state });
    try {
      const again = await resumed.runStep();
      expect(again.metrics).toEqual({
        ...second.metrics,
        ...pick(again.metrics, ['time/step_s', 'throughput/tokens_per_s']),
      });
      expect(again.samples).toEqual(second.samples);
    } finally {
      resumed.dispose();
    }
  });
});

function pick(m: Record<string, number>, keys: string[]): Record<string, number> {
  return Object.fromEntries(keys.filter((k) => k in m).map((k) => [k, m[k]]));
}
