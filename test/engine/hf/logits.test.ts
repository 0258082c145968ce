/**
 * cliplab's Hugging Face models against transformers: tiny random checkpoints of every supported
 * architecture (made by transformers at test time), logits within 1e-4 on the same tokens, with
 * left padding, float32/bfloat16/float16 and sharded weights, through both kernel sets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_KERNELS, kernelsFor } from '../../../src-main/engine/gpt/kernels';
import { LoadedCheckpoint } from '../../../src-main/engine/policies/hf/checkpoint';
import { HfModel } from '../../../src-main/engine/policies/hf/model';
import { tf } from '../../../src-main/engine/tf';
import { python } from '../../support/python';
import { useCpuBackend } from '../support';
import { ARCHS, Reference, skipReason, tempDir, type Arch, type MakeOptions, START_TIMEOUT_MS } from './support';

const TOL = 1e-4;

/** Batch-major rows, left-padded to one length, as a position-major grid with pad counts. */
function layout(rows: number[][], padToken: number) {
  const t = Math.max(...rows.map((r) => r.length));
  const b = rows.length;
  const pads = Int32Array.from(rows, (r) => t - r.length);
  const padded = rows.map((r, i) => [...Array(pads[i]).fill(padToken), ...r]);
  const tokens = new Int32Array(t * b);
  padded.forEach((r, row) => r.forEach((tok, p) => (tokens[p * b + row] = tok)));
  const mask = padded.map((r, i) => r.map((_, p) => (p < pads[i] ? 0 : 1)));
  return { tokens, pads, padded, mask, t, b };
}

/** cliplab's logits as batch-major [B][T][V]. */
async function ourLogits(ckpt: LoadedCheckpoint, rows: number[][], kernels = kernelsFor('cpu')): Promise<number[][][]> {
  const { tokens, pads, t, b } = layout(rows, 0);
  const model = new HfModel(ckpt.spec, kernels, ckpt.weights, null);
  const logits = tf.tidy(() => {
    const { hidden } = model.forward({ tokens, batch: b, pads: pads.some((p) => p > 0) ? pads : null }, null);
    return model.logits(hidden); // [T * B, V]
  });
  const flat = (await logits.array()) as number[][];
  logits.dispose();
  return Array.from({ length: b }, (_, row) => Array.from({ length: t }, (_, p) => flat[p * b + row]));
}

function maxDiff(a: number[][][], b: number[][][], mask: number[][]): number {
  let worst = 0;
  a.forEach((row, i) =>
    row.forEach((pos, t) => {
      if (mask[i][t] === 0) return;
      pos.forEach((x, v) => (worst = Math.max(worst, Math.abs(x - b[i][t][v]))));
    }),
  );
  return worst;
}

const ROWS = [
  [5, 17, 99, 230, 7, 64, 12, 300, 41, 2, 150, 88],
  [250, 3, 77, 18, 91, 6],
  [33, 120, 9, 200, 55, 71, 14, 260, 8],
];

const CASES: { arch: Arch; opts: MakeOptions }[] = [
  { arch: 'llama', opts: {} },
  { arch: 'llama3', opts: { dtype: 'bfloat16' } },
  { arch: 'qwen2', opts: { shard: true } },
  { arch: 'qwen3', opts: {} },
  { arch: 'mistral', opts: { dtype: 'float16' } },
  { arch: 'gpt2', opts: {} },
];

describe.skipIf(!python)(`HF models match transformers${skipReason}`, () => {
  const tmp = tempDir();
  let ref: Reference;
  beforeAll(async () => {
    await useCpuBackend();
    ref = await Reference.start();
  }, START_TIMEOUT_MS);
  afterAll(() => {
    ref?.close();
    tmp.remove();
  });

  it('covers every supported architecture', () => {
    expect(CASES.map((c) => c.arch).sort()).toEqual([...ARCHS].sort());
  });

  for (const { arch, opts } of CASES) {
    it(`${arch} (${opts.dtype ?? 'float32'}${opts.shard ? ', sharded' : ''}): logits within ${TOL}`, async () => {
      const dir = await ref.make(tmp.dir, arch, opts);
      const ckpt = LoadedCheckpoint.open(dir).acquire();
      try {
        const { padded, mask } = layout(ROWS, 0);
        const expected = await ref.request<{ logits: number[][][] }>('logits', {
          dir,
          input_ids: padded,
          attention_mask: mask,
        });
        for (const kernels of ALL_KERNELS) {
          const ours = await ourLogits(ckpt, ROWS, kernels);
          expect(maxDiff(ours, expected.logits, mask), kernels.name).toBeLessThan(TOL);
        }
        // A row alone (no padding) gives the logits it has inside the padded batch.
        const alone = await ourLogits(ckpt, [ROWS[1]]);
        const inBatch = await ourLogits(ckpt, ROWS);
        const shift = ROWS[0].length - ROWS[1].length;
        expect(maxDiff([alone[0]], [inBatch[1].slice(shift)], [ROWS[1].map(() => 1)])).toBeLessThan(1e-5);
      } finally {
        ckpt.release();
      }
    });
  }
});
