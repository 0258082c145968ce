/**
 * KV-cache generation of a Hugging Face policy: greedy continuations of left-padded prompts equal
 * transformers' generate(); sampled tokens' log-probabilities and exact full-vocabulary entropies
 * equal a full recomputation (tokenStats); top-p draws only from the nucleus yet reports the full
 * distribution's entropy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoadedCheckpoint } from '../../../src-main/engine/policies/hf/checkpoint';
import { drawFromLogProbs } from '../../../src-main/engine/policies/hf/draw';
import { HfPolicy } from '../../../src-main/engine/policies/hf/policy';
import { createRng } from '../../../src-main/engine/rng';
import { tf } from '../../../src-main/engine/tf';
import type { Prompt } from '../../../src-main/engine/types';
import { python } from '../../support/python';
import { useCpuBackend } from '../support';
import { Reference, skipReason, tempDir, type Arch, START_TIMEOUT_MS } from './support';

const PROMPT_TOKENS = [
  [5, 17, 99, 230, 7],
  [250, 3],
  [33, 120, 9, 200],
];
const G = 2;
const prompts: Prompt[] = PROMPT_TOKENS.flatMap((tokens, i) =>
  Array.from({ length: G }, () => ({ key: `p${i}`, tokens, meta: null })),
);

describe('top-p draws', () => {
  const probs = [0.5, 0.3, 0.15, 0.05];
  const lp = Float32Array.from(probs, Math.log);
  const fullEntropy = -probs.reduce((s, p) => s + p * Math.log(p), 0);

  it('draws only from the nucleus, in proportion, and reports the full entropy', () => {
    const rng = createRng(1, 'draws');
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) {
      const d = drawFromLogProbs(lp, 0, 4, { greedy: false, topP: 0.8, rng });
      counts[d.token]++;
      expect(d.entropy).toBeCloseTo(fullEntropy, 6);
      expect(d.logp).toBeCloseTo(Math.log(probs[d.token]), 6);
    }
    expect(counts[2] + counts[3]).toBe(0);
    expect(counts[0] / 4000).toBeCloseTo(0.5 / 0.8, 1);
  });

  it('top-p 1 draws every token; greedy takes the most likely', () => {
    const rng = createRng(2, 'draws');
    const seen = new Set(
      Array.from({ length: 2000 }, () => drawFromLogProbs(lp, 0, 4, { greedy: false, topP: 1, rng }).token),
    );
    expect(seen.size).toBe(4);
    expect(drawFromLogProbs(lp, 0, 4, { greedy: true, topP: 1, rng }).token).toBe(0);
  });
});

describe.skipIf(!python)(`HF KV-cache generation${skipReason}`, () => {
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

  function policyFor(dir: string, maxNewTokens: number) {
    const ckpt = LoadedCheckpoint.open(dir);
    return new HfPolicy(ckpt, {
      role: 'frozen',
      lora: null,
      loraRng: null,
      stopTokens: new Set(ckpt.tokenizer.stopTokens),
      maxNewTokens,
      topP: 1,
      sampleBatch: 4, // two chunks: exercises chunked decoding
    });
  }

  for (const arch of ['llama', 'gpt2'] as Arch[]) {
    it(`${arch}: greedy equals transformers' generate; sampled log-probs and entropies equal recomputation`, async () => {
      const dir = await ref.make(tmp.dir, arch);
      const policy = policyFor(dir, 8);
      try {
        const greedy = await policy.sample(prompts, { temperature: 1, greedy: true, rng: createRng(1, 's') });
        const tp = Math.max(...PROMPT_TOKENS.map((p) => p.length));
        const answer = await ref.request<{ tokens: number[][] }>('generate', {
          dir,
          input_ids: prompts.map((p) => [...Array(tp - p.tokens.length).fill(0), ...p.tokens]),
          attention_mask: prompts.map((p) => [...Array(tp - p.tokens.length).fill(0), ...p.tokens.map(() => 1)]),
          max_new_tokens: 8,
        });
        const { batch } = greedy;
        const stops = new Set(LoadedCheckpoint.open(dir).tokenizer.stopTokens);
        prompts.forEach((_, row) => {
          const ours = Array.from(
            batch.responses.subarray(row * batch.responseLen, (row + 1) * batch.responseLen),
          ).filter((_, t) => batch.mask[row * batch.responseLen + t] > 0);
          const theirs = answer.tokens[row];
          const end = theirs.findIndex((t) => stops.has(t));
          expect(ours).toEqual(end < 0 ? theirs : theirs.slice(0, end + 1));
        });

        const sampled = await policy.sample(prompts, { temperature: 1.3, rng: createRng(4, 's') });
        const stats = policy.tokenStats(sampled.batch, 1.3);
        const [logp, entropy] = [await stats.logp.data(), await stats.entropy.data()];
        tf.dispose(Object.values(stats));
        sampled.batch.mask.forEach((m, i) => {
          if (!m) return;
          expect(Math.abs(sampled.logp[i] - logp[i])).toBeLessThan(1e-4);
          expect(Math.abs(sampled.entropy[i] - entropy[i])).toBeLessThan(1e-4);
        });
        expect(Math.max(...sampled.entropy)).toBeGreaterThan(0.1);
      } finally {
        policy.dispose();
      }
    });
  }
});
