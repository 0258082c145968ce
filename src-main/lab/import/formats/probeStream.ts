/**
 * cliplab-probe's stream (python/cliplab-probe, stream.py): the first line describes the run,
 * `{"cliplab_probe": 1, "run": {"trainer": "trl", "clip": {...}, "params": {...}, ...}}`, then one line
 * per optimizer update, `{"step": N, "time": seconds, "metrics": {"clip/low_frac": 0.01, ...}}`, whose
 * keys are already cliplab's canonical ones. The probe appends whole lines, so a follower reads every
 * complete line as it lands; a resumed run appending to the same file repeats its header (skipped).
 */
import { ImportError } from '../errors';
import { metricValue, parseRelaxedJson } from '../values';
import { headLines, isStep, lineDecoder, type DecodeContext, type Head, type ImportFormat } from './format';

const EXPECTED =
  'a first line {"cliplab_probe": 1, "run": {...}} and then one {"step": N, "time": s, "metrics": {...}} per line';
/** Stream versions this reader understands. */
const VERSIONS = [1];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isHeader(value: unknown): value is { cliplab_probe: unknown; run: Record<string, unknown> } {
  return isRecord(value) && 'cliplab_probe' in value && isRecord(value.run);
}

function sniff(head: Head): string | null {
  const first = headLines(head, 1)[0];
  if (first === undefined || !first.includes('"cliplab_probe"')) return null;
  try {
    return isHeader(parseRelaxedJson(first)) ? 'the first line is a cliplab-probe run header' : null;
  } catch {
    return null;
  }
}

/** The run header as import params: nested objects flattened to dotted keys (`clip.clip_ratio_low`). */
function headerParams(run: Record<string, unknown>, out: Record<string, unknown>, prefix = ''): void {
  for (const [key, value] of Object.entries(run)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (isRecord(value)) headerParams(value, out, name);
    else if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) out[name] = value;
  }
}

function decoder(ctx: DecodeContext) {
  const { file, out } = ctx;
  let sawHeader = false;
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
      if (isHeader(entry)) {
        if (!VERSIONS.includes(entry.cliplab_probe as number)) {
          throw new ImportError(
            file,
            `cliplab_probe stream version ${JSON.stringify(entry.cliplab_probe)}; this cliplab reads version ${VERSIONS.join(', ')}`,
            { line: lineNo },
          );
        }
        if (sawHeader) out.warn('the run was resumed: a second header was skipped');
        else headerParams(entry.run, out.params);
        sawHeader = true;
        return;
      }
      if (!sawHeader)
        throw new ImportError(file, `the first line is not a run header; expected ${EXPECTED}`, { line: lineNo });
      if (!isRecord(entry) || !isStep(entry.step) || !isRecord(entry.metrics)) {
        throw new ImportError(
          file,
          `expected {"step": N, "time": s, "metrics": {...}} with a non-negative integer step`,
          {
            line: lineNo,
          },
        );
      }
      const time = typeof entry.time === 'number' ? entry.time : NaN;
      for (const [key, raw] of Object.entries(entry.metrics)) {
        const value = metricValue(raw);
        if (value !== undefined) out.add(key, entry.step, value, time);
        else out.warn(`skipped "${key}" at step ${entry.step}: not a number`);
      }
    },
    undefined,
    out,
  );
}

export const probeStream: ImportFormat = {
  name: 'cliplab-probe',
  description: `cliplab-probe stream (JSONL): ${EXPECTED}`,
  kind: 'stream',
  sniff,
  decoder,
};
