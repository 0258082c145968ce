/** Synthetic series with known answers for the diagnostics tests. */
import type { SeriesPoints } from '../../../src-main/contract/summary';

/** A seeded uniform stream (Park–Miller), so noisy series are the same on every run. */
export function uniform(seed: number): () => number {
  let state = seed % 2147483647 || 1;
  return () => (state = (state * 16807) % 2147483647) / 2147483647;
}

/** Standard normal draws from a seeded stream (Box–Muller). */
export function gaussian(seed: number): () => number {
  const u = uniform(seed);
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

export function stepsFrom(first: number, count: number, every = 1): number[] {
  return Array.from({ length: count }, (_, i) => first + i * every);
}

export function seriesOf(steps: readonly number[], f: (step: number, i: number) => number | null): SeriesPoints {
  return { steps: [...steps], values: steps.map(f) };
}
