/**
 * Hugging Face `trainer_state.json` (written by TRL's GRPOTrainer into every checkpoint): a JSON
 * document whose `log_history` lists one dict per logging step, `{"step": 5, "reward": 0.18, ...}`,
 * plus eval entries (`eval_*` keys) and a final summary (`train_runtime`, ...) which is not a step.
 * The document's other scalar fields (logging_steps, max_steps, train_batch_size) become params.
 */
import { ImportError } from '../errors';
import { metricValue, parseRelaxedJson } from '../values';
import { isStep, type DecodeContext, type Decoder, type Head, type ImportFormat } from './format';

const EXPECTED =
  'a JSON object with a "log_history" list of {"step": N, ...} entries (Hugging Face trainer_state.json)';
/** Keys of the end-of-training summary entry. */
const SUMMARY_KEYS = [
  'train_runtime',
  'train_samples_per_second',
  'train_steps_per_second',
  'total_flos',
  'train_loss',
];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sniff(head: Head): string | null {
  if (!head.text.trimStart().startsWith('{')) return null;
  if (!/"log_history"\s*:\s*\[/.test(head.text)) return null;
  return 'a JSON object with a "log_history" list (Hugging Face trainer_state.json)';
}

/** The 1-based line of a JSON.parse error's character position, when the message gives one. */
function errorLine(text: string, err: unknown): number | undefined {
  const m = /position (\d+)/.exec(err instanceof Error ? err.message : '');
  if (!m) return undefined;
  const pos = Number(m[1]);
  let line = 1;
  for (let i = 0; i < pos && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

export function decodeTrainerState(text: string, ctx: DecodeContext): void {
  const { file, out } = ctx;
  if (text.trim().length === 0) throw new ImportError(file, `the file is empty; expected ${EXPECTED}`);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // byte-order mark
  let doc: unknown;
  try {
    doc = parseRelaxedJson(text);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new ImportError(file, `invalid JSON (${why}); expected ${EXPECTED}`, { line: errorLine(text, err) });
  }
  if (!isRecord(doc) || !Array.isArray(doc.log_history)) throw new ImportError(file, `expected ${EXPECTED}`);
  for (const [key, value] of Object.entries(doc)) {
    if (key !== 'log_history' && (value === null || typeof value !== 'object')) out.params[key] = value;
  }
  const textKeys = new Set<string>();
  doc.log_history.forEach((entry, i) => {
    const at = `log_history[${i}]`;
    if (!isRecord(entry)) throw new ImportError(file, 'expected an object with a "step"', { at });
    if (!isStep(entry.step)) {
      throw new ImportError(file, `"step" is ${JSON.stringify(entry.step)}; expected a non-negative integer`, { at });
    }
    if (SUMMARY_KEYS.some((k) => k in entry)) return;
    for (const [key, raw] of Object.entries(entry)) {
      if (key === 'step') continue;
      const value = metricValue(raw);
      if (value !== undefined) out.add(key, entry.step, value);
      else if (!textKeys.has(key)) {
        textKeys.add(key);
        out.warn(`skipped "${key}": its values are not numbers (e.g. ${JSON.stringify(raw)})`);
      }
    }
  });
  if (out.points === 0) throw new ImportError(file, `"log_history" holds no metrics; expected ${EXPECTED}`);
}

function decoder(ctx: DecodeContext): Decoder {
  const chunks: Buffer[] = [];
  return {
    push: (chunk) => void chunks.push(chunk),
    end: () => decodeTrainerState(Buffer.concat(chunks).toString('utf8'), ctx),
  };
}

export const trlState: ImportFormat = {
  name: 'trl-state',
  description: `TRL / Hugging Face trainer_state.json: ${EXPECTED}`,
  kind: 'whole',
  sniff,
  decoder,
};
