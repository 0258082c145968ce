import { describe, expect, it } from 'vitest';
import {
  STREAM_NAMES,
  createRng,
  createRngStreams,
  permutation,
  restoreRng,
  restoreRngStreams,
  rngStreamStates,
} from '../../src-main/engine/rng';

const draw = (rng: { next(): number }, n: number) => Array.from({ length: n }, () => rng.next());

describe('seeded rng', () => {
  it('is deterministic per (seed, name) and differs across seeds and names', () => {
    expect(draw(createRng(1, 'a'), 5)).toEqual(draw(createRng(1, 'a'), 5));
    expect(draw(createRng(1, 'a'), 5)).not.toEqual(draw(createRng(2, 'a'), 5));
    expect(draw(createRng(1, 'a'), 5)).not.toEqual(draw(createRng(1, 'b'), 5));
  });

  it('restores exactly from its state', () => {
    const rng = createRng(42, 'x');
    draw(rng, 17);
    const copy = restoreRng(rng.state());
    expect(draw(copy, 50)).toEqual(draw(rng, 50));
  });

  it('draws uniforms in [0, 1), integers in [0, n) and standard normals', () => {
    const rng = createRng(7);
    const u = draw(rng, 20000);
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    expect(u.reduce((a, b) => a + b, 0) / u.length).toBeCloseTo(0.5, 2);
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 60000; i++) counts[rng.int(6)]++;
    for (const c of counts) expect(Math.abs(c - 10000)).toBeLessThan(400);
    const z = Array.from({ length: 40000 }, () => rng.normal());
    const mean = z.reduce((a, b) => a + b, 0) / z.length;
    const variance = z.reduce((a, x) => a + (x - mean) ** 2, 0) / z.length;
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(variance - 1)).toBeLessThan(0.03);
  });

  it('rejects bad bounds and states', () => {
    expect(() => createRng(1).int(0)).toThrow(/positive integer/);
    expect(() => restoreRng([1, 2, 3])).toThrow(/4 unsigned 32-bit integers/);
    expect(() => restoreRng([0, 0, 0, 0])).toThrow(/all-zero/);
  });

  it('permutes every index exactly once', () => {
    const p = permutation(createRng(3), 100);
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(p).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
  });
});

describe('named streams', () => {
  it('are independent: drawing from one leaves the others unchanged', () => {
    const a = createRngStreams(9);
    const b = createRngStreams(9);
    draw(a.sampling, 100);
    expect(draw(a.rewards, 10)).toEqual(draw(b.rewards, 10));
  });

  it('save and restore every stream', () => {
    const streams = createRngStreams(5);
    for (const name of STREAM_NAMES) draw(streams[name], 3);
    const restored = restoreRngStreams(rngStreamStates(streams));
    for (const name of STREAM_NAMES) expect(draw(restored[name], 4)).toEqual(draw(streams[name], 4));
  });

  it('refuse a state that lacks a stream', () => {
    const { loss: _loss, ...partial } = rngStreamStates(createRngStreams(1));
    expect(() => restoreRngStreams(partial)).toThrow(/missing stream loss/);
  });
});
