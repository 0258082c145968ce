/** What `cliplab train` prints about a Hugging Face model and its run's memory before training. */
import type { ModelInspection } from '../contract';

const gib = (bytes: number) =>
  bytes < 1024 ** 3 ? `${Math.ceil(bytes / 1024 ** 2)} MiB` : `${(bytes / 1024 ** 3).toFixed(1)} GiB`;

export function describeInspection({ model: m, memory: e }: ModelInspection): string[] {
  const lines = [
    `model ${m.path}: ${m.modelType}, ${(m.parameters / 1e6).toFixed(1)}M parameters (${m.dtype} on disk), ` +
      `vocabulary ${m.vocab}, ${m.layers} layers, context ${m.contextLength}` +
      (m.hasChatTemplate ? ', chat template' : ''),
  ];
  if (e) {
    const fits = e.budgets.map((b) => `${b.backend} ${gib(b.bytes)}: ${b.fits ? 'fits' : 'does not fit'}`).join('; ');
    lines.push(
      `memory estimate: peak ${gib(e.peak)} (weights ${gib(e.weights)}, trained ${gib(e.trainable)}, ` +
        `optimizer ${gib(e.optimizer)}, activations ${gib(e.activations)}, sampling ${gib(e.sampling)}; ` +
        `prompts of ${e.promptLen} tokens${e.promptFrom === 'assumed' ? ', assumed' : ''}) — ${fits}`,
    );
  }
  return lines;
}
