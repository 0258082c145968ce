/**
 * The one place the engine imports TensorFlow.js from. tfjs-core alone registers neither chained
 * ops nor gradients; both are needed (gradients for training, chained ops for some backends).
 */
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tf from '@tensorflow/tfjs-core';

export { tf };
