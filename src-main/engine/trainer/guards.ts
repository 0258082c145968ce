/** Divergence guards: a NaN or infinity anywhere in training ends the run with a clear reason. */
import { tf } from '../tf';
import type { Policy } from '../types';

export class DivergedError extends Error {
  constructor(
    /** What went non-finite: "loss", "gradient norm", "weights". */
    readonly quantity: string,
    /** 0-based step at which it happened. */
    readonly step: number,
    readonly value: number,
    detail = `${quantity} is ${value}`,
  ) {
    super(`training diverged at step ${step}: ${detail} (try a smaller optim.lr or gradient clipping)`);
    this.name = 'DivergedError';
  }
}

export function assertFinite(value: number, quantity: string, step: number): void {
  if (!Number.isFinite(value)) throw new DivergedError(quantity, step, value);
}

/** Throws if any weight is NaN or infinite (one scalar read: the count of non-finite entries). */
export async function assertFiniteWeights(policy: Policy, step: number): Promise<void> {
  const bad = tf.tidy(() =>
    tf.addN(policy.variables.map((v) => tf.sum(tf.cast(tf.logicalNot(tf.isFinite(v)), 'float32')))),
  );
  const [count] = await bad.data();
  bad.dispose();
  if (count > 0) throw new DivergedError('weights', step, NaN, `${count} weights are NaN or infinite`);
}
