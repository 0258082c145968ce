/**
 * Seeded randomness for the engine. Every random draw of a run comes from a named stream derived
 * from the run seed, never from tfjs random ops (their seeding differs per backend, so a run would
 * not replay across cpu/wasm/webgpu). State is four 32-bit words, so a checkpoint restores a stream
 * exactly.
 *
 * Generator: xoshiro128** (Blackman & Vigna 2018), seeded through splitmix32 so that nearby seeds
 * and stream names give unrelated sequences.
 */
import type { Rng } from './types';

/** The streams a run draws from; each is independent, so changing one consumer never shifts another. */
export const STREAM_NAMES = ['init', 'prompts', 'sampling', 'rewards', 'minibatch', 'loss', 'eval'] as const;
export type StreamName = (typeof STREAM_NAMES)[number];
export type RngStreams = Record<StreamName, SeededRng>;

const TWO_POW_32 = 2 ** 32;
const TWO_POW_53 = 2 ** 53;

/** splitmix32: a 32-bit mixer used only to expand a seed into generator state. */
function splitmix32(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x9e3779b9) | 0;
    let t = a ^ (a >>> 16);
    t = Math.imul(t, 0x21f0aaad);
    t ^= t >>> 15;
    t = Math.imul(t, 0x735a2d97);
    return (t ^ (t >>> 15)) >>> 0;
  };
}

/** FNV-1a hash of a stream name, so that each name picks its own region of seed space. */
function hashName(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const rotl = (x: number, k: number) => (x << k) | (x >>> (32 - k));

export class SeededRng implements Rng {
  private s: Uint32Array;

  constructor(state: readonly number[]) {
    if (state.length !== 4 || state.some((w) => !Number.isInteger(w) || w < 0 || w >= TWO_POW_32)) {
      throw new Error(`rng state: expected 4 unsigned 32-bit integers, got ${JSON.stringify(state)}`);
    }
    if (state.every((w) => w === 0)) throw new Error('rng state: all-zero state is not allowed for xoshiro128**');
    this.s = Uint32Array.from(state);
  }

  /** Next raw 32-bit output (xoshiro128**). */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits (two draws), fine enough for probabilities near 1e-12. */
  next(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 2 ** 26 + lo) / TWO_POW_53;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1) throw new Error(`rng.int: expected a positive integer bound, got ${n}`);
    return Math.floor(this.next() * n);
  }

  /** Standard normal (Box-Muller, one value per call so that state stays four words). */
  normal(): number {
    const u1 = 1 - this.next(); // (0, 1]: log stays finite
    const u2 = this.next();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  state(): number[] {
    return Array.from(this.s);
  }
}

/** A stream derived from a seed and a name: same (seed, name) always gives the same sequence. */
export function createRng(seed: number, name = ''): SeededRng {
  const mix = splitmix32((Math.imul(seed | 0, 0x9e3779b1) ^ hashName(name)) >>> 0);
  const state: number[] = [mix(), mix(), mix(), mix()];
  // splitmix32 outputs are a bijection of its counter, so four zeros cannot occur in practice; guard anyway.
  return new SeededRng(state.some((w) => w !== 0) ? state : [1, 0, 0, 0]);
}

export function restoreRng(state: readonly number[]): SeededRng {
  return new SeededRng(state);
}

/** All named streams of a run, each derived from the run seed and its name. */
export function createRngStreams(seed: number): RngStreams {
  return Object.fromEntries(STREAM_NAMES.map((name) => [name, createRng(seed, name)])) as RngStreams;
}

export function rngStreamStates(streams: RngStreams): Record<StreamName, number[]> {
  return Object.fromEntries(STREAM_NAMES.map((name) => [name, streams[name].state()])) as Record<StreamName, number[]>;
}

/** Streams from saved states; every stream must be present (a checkpoint that lacks one cannot replay). */
export function restoreRngStreams(states: Record<string, readonly number[]>): RngStreams {
  const missing = STREAM_NAMES.filter((name) => !Array.isArray(states[name]));
  if (missing.length)
    throw new Error(`rng state: missing stream${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  return Object.fromEntries(STREAM_NAMES.map((name) => [name, restoreRng(states[name])])) as RngStreams;
}

/** Fisher-Yates permutation of 0..n-1. */
export function permutation(rng: Rng, n: number): number[] {
  const out = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
