/**
 * What a file would import as, read without writing: the format and why, the keys, steps, aliases and
 * params. A long streamed log is previewed from its start (`partial`); a whole document is read whole.
 */
import { stat } from 'node:fs/promises';
import type { ImportPreview } from '../../contract';
import { diagnosticCoverage } from '../diagnostics/coverage';
import { withAliases } from './aliases';
import { detectFormat, headFromBuffer, HEAD_BYTES, readHead, type Detection } from './detect';
import { FORMATS, type Head } from './formats';
import { parseBuffer, parseFile, parseHeadBytes, type ParseResult } from './parse';
import type { DecodeOptions, FormatName } from './types';

export interface PreviewRequest {
  format?: FormatName | 'auto';
  options?: DecodeOptions;
}

function chooseFormat(head: Head, req: PreviewRequest): Detection {
  return req.format && req.format !== 'auto'
    ? { format: req.format, reason: 'chosen by the user' }
    : detectFormat(head);
}

function summarise(parsed: ParseResult, file: string, partial: boolean): ImportPreview {
  const run = withAliases(parsed);
  const steps = new Set<number>();
  for (const s of parsed.series.values()) for (const step of s.steps) steps.add(step);
  const sorted = [...steps].sort((a, b) => a - b);
  return {
    file,
    format: run.format,
    reason: run.detection.reason,
    partial,
    trainer: run.trainer,
    keys: [...parsed.series.keys()],
    steps: { count: sorted.length, first: sorted[0] ?? null, last: sorted[sorted.length - 1] ?? null },
    aliases: run.aliases,
    clipFractionCombined: run.clipFractionCombined,
    coverage: diagnosticCoverage([...parsed.series.keys()], run.aliases),
    params: run.params,
    warnings: run.warnings,
  };
}

export async function previewFile(path: string, req: PreviewRequest = {}): Promise<ImportPreview> {
  const head = await readHead(path);
  const detection = chooseFormat(head, req);
  const whole = head.complete || FORMATS[detection.format].kind === 'whole';
  if (whole) {
    const parsed = await parseFile(path, { format: detection.format, options: req.options });
    return summarise({ ...parsed, detection }, path, false);
  }
  const { size } = await stat(path);
  return summarise(parseHeadBytes(head.bytes, path, detection, req.options), path, size > HEAD_BYTES);
}

export async function previewContent(
  bytes: Buffer,
  fileName: string,
  req: PreviewRequest = {},
): Promise<ImportPreview> {
  const head = headFromBuffer(bytes, fileName, true);
  const detection = chooseFormat(head, req);
  const parsed = await parseBuffer(bytes, fileName, { format: detection.format, options: req.options });
  return summarise({ ...parsed, detection }, fileName, false);
}
