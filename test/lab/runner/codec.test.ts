import { describe, expect, it } from 'vitest';
import {
  decodeCheckpoint,
  decodeWeights,
  encodeCheckpoint,
  encodeWeights,
  unpackTensors,
} from '../../../src-main/lab/runner/codec';
import type { TrainerState } from '../../../src-main/engine/types';

const state: TrainerState = {
  step: 7,
  weights: {
    wte: { shape: [2, 3], data: new Float32Array([1, -2.5, 3e-8, Number.MAX_VALUE, -0, 6]) },
    'h0.ln.g': { shape: [3], data: new Float32Array([0.1, 0.2, 0.3]) },
  },
  optimizer: { 'wte/m': { shape: [2, 3], data: new Float32Array([1, 2, 3, 4, 5, 6]) } },
  optimizerStep: 28,
  rng: { sampling: [1, 2, 3, 4], eval: [5, 6, 7, 4294967295] },
  counters: { tokens: 1234 },
};

describe('checkpoint codec', () => {
  it('round-trips a trainer state bit for bit', () => {
    const { state: back, extra } = decodeCheckpoint(encodeCheckpoint(state, { elapsed: 12.5 }));
    expect(back).toEqual(state);
    expect(extra.elapsed).toBe(12.5);
    expect(back.weights.wte.data).toBeInstanceOf(Float32Array);
  });

  it('stores floats as 4 bytes each, plus a small header', () => {
    const bytes = encodeCheckpoint(state, { elapsed: 0 });
    expect(bytes.length).toBeLessThan(15 * 4 + 600);
  });

  it('reads a copy at any byte offset (a Buffer slice from SQLite)', () => {
    const bytes = encodeWeights(state.weights);
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    expect(decodeWeights(shifted.subarray(3))).toEqual(state.weights);
  });

  it('refuses damaged data with a reason', () => {
    const bytes = encodeWeights(state.weights);
    expect(() => unpackTensors(new Uint8Array([1, 2, 3]))).toThrow(/bad magic/);
    expect(() => unpackTensors(bytes.subarray(0, bytes.length - 4))).toThrow(/truncated in weights\//);
    expect(() => encodeWeights({ x: { shape: [2, 2], data: new Float32Array(3) } })).toThrow(/holds 4 values/);
  });
});
