/**
 * Small tfjs building blocks the RL math needs and tfjs lacks on some backends.
 */
import { tf } from './tf';

/**
 * `x[indices]` on a 1-D tensor with a gradient every backend can run: the wasm backend has no
 * `UnsortedSegmentSum`, so tf.gather's own gradient fails there; the scatter-add is done with
 * ScatterNd, which sums duplicate indices (cpu, wasm and webgpu all register it).
 */
export function gather1d(x: tf.Tensor1D, indices: tf.Tensor1D): tf.Tensor1D {
  const n = x.shape[0];
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [source, idx, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    save([idx]);
    return {
      value: tf.gather(source, idx),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => [
        tf.scatterND(tf.expandDims(saved[0], 1), dy as tf.Tensor, [n]),
        tf.zerosLike(saved[0]),
      ],
    };
  });
  return op(x, indices) as tf.Tensor1D;
}

/**
 * Runs `fn` outside the gradient tape: the result is a constant for autodiff (PyTorch's
 * `.detach()`, the paper's sg[.]). Needed wherever a mask or weight is computed from the policy's
 * own outputs with ops that have no gradient (comparisons, topk).
 */
export function detached<T extends tf.Tensor>(fn: (...inputs: tf.Tensor[]) => T, ...inputs: tf.Tensor[]): T {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const tensors = args.slice(0, inputs.length) as tf.Tensor[];
    return {
      value: fn(...tensors),
      gradFunc: () => tensors.map((t) => tf.zerosLike(t)),
    };
  });
  return op(...inputs) as T;
}

/** 0/1 float mask of a boolean tensor. */
export function asMask(condition: tf.Tensor): tf.Tensor {
  return tf.cast(condition, 'float32');
}

/**
 * Identity whose backward pass hands the incoming gradient to `onGrad` (kept, caller disposes):
 * reads d(loss)/d(x) for an intermediate x during the same backward pass that trains the weights.
 */
export function gradientTap<T extends tf.Tensor>(x: T, onGrad: (dy: tf.Tensor) => void): T {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const input = args[0] as tf.Tensor;
    return {
      value: tf.clone(input),
      gradFunc: (dy: tf.Tensor | tf.Tensor[]) => {
        onGrad(tf.keep(tf.clone(dy as tf.Tensor)));
        return dy as tf.Tensor;
      },
    };
  });
  return op(x) as T;
}
