/**
 * One clipped GRPO update of a Hugging Face policy against PyTorch on the same batch: the trainer's
 * own update (runUpdate, SGD with lr 1 so the step is minus the gradient, two micro-batches
 * accumulated) must give transformers' log-probabilities, entropies, clipped loss and gradients,
 * for full fine-tuning and for LoRA adapters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConfigSchema, type RunConfig } from '../../../src-main/contract';
import { selectBackend } from '../../../src-main/engine/backend';
import { createOptimizer } from '../../../src-main/engine/optim';
import { weightSlots } from '../../../src-main/engine/policies/hf/names';
import { aggregationWeights } from '../../../src-main/engine/rl/aggregate';
import { createRng } from '../../../src-main/engine/rng';
import { runUpdate, type Minibatch } from '../../../src-main/engine/trainer/update';
import { tf } from '../../../src-main/engine/tf';
import type { TensorMap } from '../../../src-main/engine/types';
import { python } from '../../support/python';
import { tinyHfConfig } from './fixtures';
import { Reference, skipReason, tempDir, type Arch, START_TIMEOUT_MS } from './support';
import { ADVANTAGES, batchOf, loraTestLayers, PROMPTS, TEMPERATURE, tinyPolicy } from './policies';

/** Weights after minus before: with SGD at lr 1 this is minus the gradient. */
function minusGradient(before: TensorMap, after: TensorMap): Map<string, Float32Array> {
  return new Map(Object.keys(before).map((n) => [n, after[n].data.map((x, i) => before[n].data[i] - x)]));
}

function relativeError(ours: ArrayLike<number>, theirs: ArrayLike<number>): number {
  let [diff, scale] = [0, 1e-8];
  for (let i = 0; i < ours.length; i++) {
    diff = Math.max(diff, Math.abs(ours[i] - theirs[i]));
    scale = Math.max(scale, Math.abs(theirs[i]));
  }
  return diff / scale;
}

/** HF [out, in] tensors in our [in, out] layout. */
function ourLayout(values: number[][] | number[], transpose: boolean): number[] {
  if (!transpose) return (values as (number | number[])[]).flat() as number[];
  const m = values as number[][];
  return m[0].map((_, c) => m.map((row) => row[c])).flat();
}

interface Answer {
  loss: number;
  logp: number[][];
  entropy: number[][];
  grads: Record<string, number[][] | number[] | null>;
}

describe.skipIf(!python)(`one clipped GRPO update matches PyTorch${skipReason}`, () => {
  const tmp = tempDir();
  let ref: Reference;
  beforeAll(async () => {
    ref = await Reference.start();
  }, START_TIMEOUT_MS);
  afterAll(() => {
    ref?.close();
    tmp.remove();
  });

  async function check(arch: Arch, role: 'full' | 'lora', backend: 'cpu' | 'wasm' = 'cpu') {
    await selectBackend(backend);
    const dir = await ref.make(tmp.dir, arch, {}, `${arch}-${role}`);
    const policy = await tinyPolicy(dir, role);
    const spec = policy.model.spec;
    const layers = role === 'lora' ? loraTestLayers(spec) : null;
    try {
      const batch = batchOf();
      const stats = policy.tokenStats(batch, TEMPERATURE);
      const [logp, entropy] = [await stats.logp.data(), await stats.entropy.data()];
      tf.dispose(Object.values(stats));
      const rng = createRng(11, 'old');
      const oldLogp = Float32Array.from(logp, (x, i) => (batch.mask[i] ? x + 0.35 * rng.normal() : 0));
      const T = batch.responseLen;
      const advantages = Float32Array.from(batch.mask, (m, i) => m * ADVANTAGES[Math.floor(i / T)]);
      const config: RunConfig = runConfigSchema.parse(
        tinyHfConfig(dir, 'unused.jsonl', {
          objective: { clipLow: 0.2, clipHigh: 0.28 },
          optim: { optimizer: 'sgd', lr: 1, gradClip: null, epochs: 1, minibatches: 1, microBatch: 2 },
          rollout: { prompts: 2, groupSize: 2, temperature: TEMPERATURE },
        }),
      );
      const mb: Minibatch = {
        batch,
        oldLogp,
        oldEntropy: entropy as Float32Array,
        refLogp: logp as Float32Array,
        advantages,
        contextWeights: new Float32Array(batch.mask.length),
        weights: aggregationWeights('token-mean', { mask: batch.mask, rows: batch.size, cols: T, maxAnswerLen: 5 }),
        uniforms: new Float32Array(batch.mask.length),
        tokenCount: batch.mask.reduce((a, b) => a + b, 0),
      };
      const before = await policy.getWeights();
      const optimizer = createOptimizer(config.optim, policy.variables);
      const record = await runUpdate(policy, optimizer, config, mb);
      optimizer.dispose();
      const grads = minusGradient(before, await policy.getWeights());

      const tp = batch.promptLen;
      const rows = PROMPTS.map((_, i) => [
        ...Array.from(batch.prompts.subarray(i * tp, (i + 1) * tp)),
        ...Array.from(batch.responses.subarray(i * T, (i + 1) * T)),
      ]);
      const mask = rows.map((r, i) => r.map((_, p) => (p < batch.promptPad![i] ? 0 : 1)));
      const toRows = (a: Float32Array) => PROMPTS.map((_, i) => Array.from(a.subarray(i * T, (i + 1) * T)));
      const loraSpec = layers && {
        scale: 2,
        layers: Object.fromEntries(
          layers.map((l) => {
            const slot = weightSlots(spec).find((s) => s.name === `${l}.w`)!;
            const reshape = (n: string) => {
              const t = before[n];
              return Array.from({ length: t.shape[0] }, (_, r) =>
                Array.from(t.data.subarray(r * t.shape[1], (r + 1) * t.shape[1])),
              );
            };
            return [slot.hf.replace(/\.weight$/, ''), { A: reshape(`lora.${l}.A`), B: reshape(`lora.${l}.B`) }];
          }),
        ),
      };
      const answer = await ref.request<Answer>('grpo', {
        dir,
        input_ids: rows,
        attention_mask: mask,
        prompt_len: tp,
        temperature: TEMPERATURE,
        old_logp: toRows(oldLogp),
        advantages: toRows(advantages),
        response_mask: toRows(batch.mask),
        clip_low: 0.2,
        clip_high: 0.28,
        ...(loraSpec && { lora: loraSpec }),
      });
      const masked = (a: number[][]) => a.flat().map((x, i) => x * batch.mask[i]);
      expect(relativeError(logp, masked(answer.logp))).toBeLessThan(1e-4);
      expect(relativeError(entropy, masked(answer.entropy))).toBeLessThan(1e-4);
      expect(record.clipLow + record.clipHigh).toBeGreaterThan(0); // the batch exercises clipping
      expect(record.lossPg).toBeCloseTo(answer.loss, 5);
      let checked = 0;
      if (role === 'full') {
        for (const slot of weightSlots(spec)) {
          const theirs = answer.grads[slot.hf];
          expect(theirs, slot.hf).toBeTruthy();
          expect(relativeError(grads.get(slot.name)!, ourLayout(theirs!, slot.transpose)), slot.name).toBeLessThan(
            1e-4,
          );
          checked++;
        }
      } else {
        for (const [module, _] of Object.entries(loraSpec!.layers)) {
          const ours = layers!.find(
            (l) => weightSlots(spec).find((s) => s.name === `${l}.w`)!.hf === `${module}.weight`,
          )!;
          for (const m of ['A', 'B']) {
            const theirs = (answer.grads[`${module}.${m}`] as number[][]).flat();
            expect(relativeError(grads.get(`lora.${ours}.${m}`)!, theirs), `${ours}.${m}`).toBeLessThan(1e-4);
            checked++;
          }
        }
      }
      expect(checked).toBeGreaterThan(4);
    } finally {
      policy.dispose();
    }
  }

  it('full fine-tuning, Llama 3 layout (tied, biases, GQA)', () => check('llama3', 'full'));
  it('full fine-tuning, Qwen3 (q/k norm)', () => check('qwen3', 'full'));
  it('full fine-tuning, GPT-2', () => check('gpt2', 'full'));
  it('LoRA adapters, Qwen2', () => check('qwen2', 'lora'));
  it('LoRA adapters, GPT-2 (fused c_attn)', () => check('gpt2', 'lora'));
  it('full fine-tuning on wasm (its own kernels), Qwen2', () => check('qwen2', 'full', 'wasm'));
});
