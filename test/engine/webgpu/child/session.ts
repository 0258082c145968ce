/**
 * A whole process's life on webgpu, run by process.test.ts as a child: load a backend, compute,
 * read, dispose, and then simply return. The parent checks that the process exits on its own.
 * Prints one line `RESULT <json>` on stdout.
 */
import { selectBackend } from '../../../../src-main/engine/backend';
import { tf } from '../../../../src-main/engine/tf';
import { loadWebgpuBackend, probeWebgpu } from '../../../../src-main/engine/webgpu';

type Mode = 'train' | 'no-adapter';

async function train(): Promise<Record<string, unknown>> {
  const info = await selectBackend('webgpu');
  const init = tf.randomNormal([32, 8], 0, 1, 'float32', 5);
  const w = tf.variable(init);
  init.dispose();
  const x = tf.randomNormal([16, 32], 0, 1, 'float32', 6);
  const optimizer = tf.train.adam(0.01);
  let loss = NaN;
  for (let step = 0; step < 5; step++) {
    const cost = optimizer.minimize(() => tf.mean(tf.square(tf.matMul(x, w))), true, [w])!;
    loss = (await cost.data())[0];
    cost.dispose();
  }
  optimizer.dispose();
  tf.dispose([w, x]);
  return { backend: info.name, adapter: info.adapter, loss, tensors: tf.memory().numTensors };
}

async function noAdapter(): Promise<Record<string, unknown>> {
  const probe = await probeWebgpu();
  const named = await selectBackend('webgpu').then(
    (info) => info.name,
    (e: Error) => `error: ${e.message}`,
  );
  return {
    probe,
    named,
    load: await loadWebgpuBackend({ allowSoftware: true }),
    auto: (await selectBackend('auto')).name,
  };
}

const modes: Record<Mode, () => Promise<Record<string, unknown>>> = { train, 'no-adapter': noAdapter };
const mode = process.argv[2] as Mode;
if (!(mode in modes)) throw new Error(`session.ts: mode must be one of ${Object.keys(modes).join(', ')}`);
console.log(`RESULT ${JSON.stringify(await modes[mode]())}`);
