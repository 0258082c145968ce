/** What `cliplab train` prints about a Hugging Face model and its run's memory before training. */
import type { ModelInspection } from '../contract';

const gib = (bytes: number) =>
  bytes < 1024 ** 3 ? `${Math.ceil(bytes / 1024 ** 2)} MiB` : `${(bytes / 1024 ** 3).toFixed(1)} GiB`;

/** 134515008 -> "134.5M", 1.2e9 -> "1.2B". */
const count = (n: number) =>
  n >= 1e9 ? `${(n / 1e9).toFixed(1)}B` : n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : `${(n / 1e3).toFixed(1)}k`;

export function describeInspection({ model: m, memory: e }: ModelInspection): string[] {
  const lines = [
    `model ${m.path}: ${m.modelType}, ${count(m.parameters)} parameters (${m.dtype} on disk), ` +
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
