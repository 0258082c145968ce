/**
 * How API calls are declared: each call has a zod schema for its arguments (validated on the Node
 * side before any handler runs) and a phantom result type. Main, preload, server and renderer all
 * derive from the one map in `api/index.ts`, so a missing handler fails to compile.
 */
import type { z } from 'zod';

export interface CallSpec<A extends z.ZodType, R> {
  readonly args: A;
  /** Phantom: carries the result type only. */
  readonly result: R;
}

/** `defineCall<Result>()(argsSchema)` */
export function defineCall<R>() {
  return <A extends z.ZodType>(args: A): CallSpec<A, R> => ({ args, result: undefined as R });
}

/** Declares an event's payload type. */
export function defineEvent<P>(): P {
  return undefined as P;
}
