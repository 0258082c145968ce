/** What `cliplab train` prints about a Hugging Face model and its run's memory before training. */
import { formatMemory, formatParameters, type ModelInspection } from '../contract';

export function describeInspection({ model: m, memory: e }: ModelInspection): string[] {
  const lines = [
    `model ${m.path}: ${m.modelType}, ${formatParameters(m.parameters)} parameters (${m.dtype} on disk), ` +
      `vocabulary ${m.vocab}, ${m.layers} layers, context ${m.contextLength}` +
      (m.hasChatTemplate ? ', chat template' : ''),
  ];
  if (e) {
    const fits = e.budgets
      .map((b) => `${b.backend} ${formatMemory(b.bytes)}: ${b.fits ? 'fits' : 'does not fit'}`)
      .join('; ');
    lines.push(
      `memory estimate: peak ${formatMemory(e.peak)} (weights ${formatMemory(e.weights)}, trained ${formatMemory(e.trainable)}, ` +
        `optimizer ${formatMemory(e.optimizer)}, activations ${formatMemory(e.activations)}, sampling ${formatMemory(e.sampling)}, ` +
        `wasm's packed weights ${formatMemory(e.packed)}; prompts of ${e.promptLen} tokens${e.promptFrom === 'assumed' ? ', assumed' : ''}) — ${fits}`,
    );
  }
  return lines;
}
