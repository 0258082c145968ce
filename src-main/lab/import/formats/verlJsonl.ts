/**
 * verl's `file` logger: one JSON object per line, `{"step": N, "data": {"actor/entropy": 0.61, ...}}`.
 * Values may be null (a metric the step did not compute, e.g. a validation-only step) or strings
 * (verl logs some settings as metrics); nulls become NaN points, strings are skipped with a warning.
 */
import { ImportError } from '../errors';
import { metricValue, parseRelaxedJson } from '../values';
import { headLines, isStep, lineDecoder, type DecodeContext, type Head, type ImportFormat } from './format';

const EXPECTED = 'one JSON object per line like {"step": N, "data": {"key": value, ...}}';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sniff(head: Head): string | null {
  const first = headLines(head, 1)[0];
  if (first === undefined || !first.trimStart().startsWith('{')) return null;
  let value: unknown;
  try {
    value = parseRelaxedJson(first);
  } catch {
    return null;
  }
  if (!isRecord(value) || !isStep(value.step) || !isRecord(value.data)) return null;
  return 'the first line is a JSON object with a numeric "step" and a "data" object (verl file logger)';
}

function decoder(ctx: DecodeContext) {
  const { file, out } = ctx;
  const textKeys = new Set<string>();
  return lineDecoder(
    (line, lineNo) => {
      if (line.trim().length === 0) return;
      let entry: unknown;
      try {
        entry = parseRelaxedJson(line);
      } catch (err) {
        const why = err instanceof Error ? err.message : String(err);
        throw new ImportError(file, `invalid JSON (${why}); expected ${EXPECTED}`, { line: lineNo });
      }
      if (!isRecord(entry)) throw new ImportError(file, `expected ${EXPECTED}`, { line: lineNo });
      if (!isStep(entry.step)) {
        throw new ImportError(file, `"step" is ${JSON.stringify(entry.step)}; expected a non-negative integer`, {
          line: lineNo,
        });
      }
      if (!isRecord(entry.data)) {
        throw new ImportError(file, `"data" is ${describe(entry.data)}; expected an object of metrics`, {
          line: lineNo,
        });
      }
      for (const [key, raw] of Object.entries(entry.data)) {
        const value = metricValue(raw);
        if (value !== undefined) out.add(key, entry.step, value);
        else if (!textKeys.has(key)) {
          textKeys.add(key);
          out.warn(`skipped "${key}": its values are not numbers (e.g. ${JSON.stringify(raw)})`);
        }
      }
    },
    undefined,
    out,
  );
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (Array.isArray(value)) return 'a list';
  return value === null ? 'null' : `a ${typeof value}`;
}

export const verlJsonl: ImportFormat = {
  name: 'verl-jsonl',
  description: `verl file-logger JSONL: ${EXPECTED}`,
  kind: 'stream',
  sniff,
  decoder,
};
