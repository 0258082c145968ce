/**
 * What a file would import as, read without writing: the format and why, the keys, steps, aliases and
 * params. A long streamed log is previewed from its start (`partial`); a whole document, a container
 * (Kaggle log, notebook) and a store of runs (MLflow, a wandb/ folder) are read whole, and a store's
 * preview shows its first run and names the others.
 */
import { stat } from 'node:fs/promises';
import type { ImportPreview } from '../../contract';
import { diagnosticCoverage } from '../diagnostics/coverage';
import { withAliases } from './aliases';
import { findContainer } from './containers';
import { detectFormat, HEAD_BYTES, readHead, type FileDetection } from './detect';
import { FORMATS, type Head } from './formats';
import { parseHeadBytes, type ParseResult } from './parse';
import { parseSource, parseUploadSource, type SourceRequest, type SourceRun } from './source';
import { sniffMlflowDb } from './stores/mlflowDb';
import type { DecodeOptions, FormatName } from './types';

export interface PreviewRequest {
  format?: FormatName | 'auto';
  options?: DecodeOptions;
}

function summarise(parsed: ParseResult, file: string, partial: boolean, runs?: SourceRun[]): ImportPreview {
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
    ...(parsed.container ? { container: parsed.container } : {}),
    ...(runs && runs.length > 1 ? { runs: runs.map((r, i) => r.external?.name ?? r.name ?? `run ${i + 1}`) } : {}),
  };
}

/** A plain streamed log too long to read whole for a preview: its detection, or null to read it all. */
function headOnly(head: Head, req: PreviewRequest): FileDetection | null {
  if (head.complete || findContainer(head) || sniffMlflowDb(head) || req.format === 'mlflow') return null;
  const detection = req.format && req.format !== 'auto' ? { format: req.format, reason: 'chosen by the user' } : null;
  const chosen = detection ?? detectFormat(head);
  return FORMATS[chosen.format].kind === 'stream' ? chosen : null;
}

export async function previewFile(path: string, req: PreviewRequest = {}): Promise<ImportPreview> {
  if (!(await stat(path)).isDirectory()) {
    const head = await readHead(path);
    const detection = headOnly(head, req);
    if (detection) {
      const { size } = await stat(path);
      return summarise(parseHeadBytes(head.bytes, path, detection, req.options), path, size > HEAD_BYTES);
    }
  }
  const runs = await parseSource(path, req as SourceRequest);
  return summarise(runs[0], path, false, runs);
}

export async function previewContent(
  bytes: Buffer,
  fileName: string,
  req: PreviewRequest = {},
): Promise<ImportPreview> {
  const runs = await parseUploadSource(bytes, fileName, req as SourceRequest);
  return summarise(runs[0], fileName, false, runs);
}
