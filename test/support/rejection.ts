/** The error a call fails with, for tests that read its code, field or message. */
import { expect } from 'vitest';

/** What `promise` rejects with, checked to be a `type` (a promise that resolves fails the test). */
export async function rejectionOf<E extends Error>(
  promise: Promise<unknown>,
  type: abstract new (...args: never[]) => E,
): Promise<E> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(type);
  return err as E;
}
