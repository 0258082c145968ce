/**
 * API calls for importing runs that verl, TRL, TensorBoard or a CSV logger wrote, and for exporting a
 * run's config to those trainers (issue 8). `imports.fromPath` is for clients whose Node side can read
 * the file (Electron, CLI); `imports.fromContent` carries the bytes (the browser in web mode).
 */
import { z } from 'zod';
import type { DiagnosticCoverage } from '../diagnostics';
import type { RunRecord } from '../runs';
import { defineCall, defineEvent } from './define';
import { runId } from './runs';

export const IMPORT_FORMATS = [
  'verl-jsonl',
  'verl-console',
  'trl-state',
  'trl-console',
  'tfevents',
  'csv',
  'wandb',
  'mlflow',
  'cliplab-probe',
] as const;
export type ImportFormatName = (typeof IMPORT_FORMATS)[number];

export const EXPORT_TARGETS = ['verl', 'trl'] as const;
export type ExportTarget = (typeof EXPORT_TARGETS)[number];

/** Largest file `imports.fromContent` accepts (decoded bytes); bigger files go through a path. */
export const MAX_IMPORT_UPLOAD_BYTES = 64 * 1024 * 1024;

/** What a file would import as, before anything is written. */
export interface ImportPreview {
  file: string;
  format: ImportFormatName;
  /** Why this format was chosen (content sniffed, or chosen by the user). */
  reason: string;
  /** Only the start of a long file was read: counts are a lower bound. */
  partial: boolean;
  /** Whose key names the file uses: verl, trl, openrlhf, sb3 or generic. */
  trainer: string;
  /** The file's own metric keys. */
  keys: string[];
  steps: { count: number; first: number | null; last: number | null };
  /** Canonical key -> the file's key it would name. */
  aliases: Record<string, string>;
  clipFractionCombined: boolean;
  /** What each diagnostic can make of the file's keys, and the canonical keys it lacks. */
  coverage: DiagnosticCoverage[];
  params: Record<string, unknown>;
  warnings: string[];
  /** The Kaggle log or Jupyter notebook the text was unwrapped from, if any. */
  container?: ImportContainerName;
  /** The runs a store (an MLflow experiment or database) holds, by name; the preview shows the first. */
  runs?: string[];
}

/** Files whose text is unwrapped before the format is detected. */
export const IMPORT_CONTAINERS = ['kaggle-log', 'notebook'] as const;
export type ImportContainerName = (typeof IMPORT_CONTAINERS)[number];

export interface ImportResult {
  /** The run imported (the first, when the source held several). */
  run: RunRecord;
  /** Every run imported, in the source's order (an MLflow experiment holds several). */
  runs: RunRecord[];
  format: ImportFormatName;
  reason: string;
  /** Points written, aliases included. */
  points: number;
  /** The file's own keys (aliases not counted). */
  keys: number;
  /** What each diagnostic can make of the run's keys, and the canonical keys it lacks. */
  coverage: DiagnosticCoverage[];
  warnings: string[];
}

export interface ImportProgressEvent {
  file: string;
  phase: 'reading' | 'writing' | 'done';
  bytesRead: number;
  totalBytes: number;
  points: number;
  /** Set once the run exists (phase done). */
  runId: number | null;
}

const path = z.string().min(1).max(4096);
const fileName = z.string().trim().min(1).max(255);
const contentBase64 = z
  .string()
  .max(
    Math.ceil(MAX_IMPORT_UPLOAD_BYTES / 3) * 4,
    `expected at most ${MAX_IMPORT_UPLOAD_BYTES} bytes; import large files by path`,
  )
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'expected base64 text');
const options = {
  /** @default "auto" */
  format: z.enum(['auto', ...IMPORT_FORMATS]).default('auto'),
  /** Run name (defaults to the file name). */
  name: z.string().trim().min(1).max(200).optional(),
  /** CSV only: the step column. */
  stepColumn: z.string().min(1).max(200).optional(),
};

export const importsApi = {
  'imports.detect': defineCall<ImportPreview>()(
    z
      .object({
        path: path.optional(),
        fileName: fileName.optional(),
        contentBase64: contentBase64.optional(),
        ...options,
      })
      .strict()
      .refine((a) => (a.path === undefined) !== (a.contentBase64 === undefined), {
        message: 'expected either path or contentBase64 (with fileName)',
      })
      .refine((a) => a.contentBase64 === undefined || a.fileName !== undefined, {
        path: ['fileName'],
        message: 'expected the file name that goes with contentBase64',
      }),
  ),
  'imports.fromPath': defineCall<ImportResult>()(z.object({ path, ...options }).strict()),
  'imports.fromContent': defineCall<ImportResult>()(z.object({ fileName, contentBase64, ...options }).strict()),
  /**
   * The run's config as verl Hydra overrides or TRL GRPOConfig arguments, with a comment block of gaps;
   * `probe` adds the lines that attach cliplab-probe (python/cliplab-probe).
   */
  'runs.exportConfig': defineCall<string>()(
    z.object({ id: runId, to: z.enum(EXPORT_TARGETS), probe: z.boolean().default(false) }).strict(),
  ),
};

export const importEvents = {
  /** Import progress: a few times per second while reading, then writing and done. */
  'import.progress': defineEvent<ImportProgressEvent>(),
};
