import { describe, expect, it } from 'vitest';
import { rewardSchema } from '../../src-main/contract';
import { createReward } from '../../src-main/engine/rewards';
import { createRng } from '../../src-main/engine/rng';

const correct = Uint8Array.from({ length: 4000 }, (_, i) => (i % 3 === 0 ? 1 : 0));

describe('rewards', () => {
  it('verifier pays 1 for a correct answer, 0 otherwise', () => {
    const r = createReward(rewardSchema.parse({ kind: 'verifier' }))({ correct, rng: createRng(1) });
    expect(Array.from(r)).toEqual(Array.from(correct));
  });

  it('bernoulli(p) ignores the answer and draws from the stream', () => {
    const reward = createReward(rewardSchema.parse({ kind: 'bernoulli', p: 0.3 }));
    const a = reward({ correct, rng: createRng(1, 'rewards') });
    const b = reward({ correct: new Uint8Array(4000), rng: createRng(1, 'rewards') });
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Math.abs(a.reduce((x, y) => x + y, 0) / 4000 - 0.3)).toBeLessThan(0.03);
    expect(new Set(a)).toEqual(new Set([0, 1]));
  });

  it('gaussian(mean, std) has the configured moments', () => {
    const r = createReward(rewardSchema.parse({ kind: 'gaussian', mean: 2, std: 0.5 }))({ correct, rng: createRng(2) });
    const mean = r.reduce((a, b) => a + b, 0) / r.length;
    const std = Math.sqrt(r.reduce((a, x) => a + (x - mean) ** 2, 0) / r.length);
    expect(Math.abs(mean - 2)).toBeLessThan(0.03);
    expect(Math.abs(std - 0.5)).toBeLessThan(0.03);
  });
});
