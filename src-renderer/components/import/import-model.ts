/**
 * The Import dialog's logic, apart from its markup: where the file comes from (bytes uploaded from
 * the browser, or a path on the machine running the lab), which API call previews and imports it,
 * how the preview reads, and which field an error belongs to.
 */
import {
  ApiError,
  formatBytes,
  IMPORT_FORMATS,
  MAX_IMPORT_UPLOAD_BYTES,
  type ApiArgs,
  type ImportFormatName,
  type ImportPreview,
  type ImportProgressEvent,
  type RunRecord,
} from '../../../src-main/contract';
import type { LabClient } from '../../lib/transport';

export type FormatChoice = 'auto' | ImportFormatName;

/** What each format is called in the dialog. */
export const FORMAT_LABELS: Record<ImportFormatName, string> = {
  'verl-jsonl': 'verl JSONL (file logger)',
  'verl-console': 'verl console log',
  'trl-state': 'TRL trainer_state.json',
  'trl-console': 'TRL / Unsloth console log',
  tfevents: 'TensorBoard event file',
  csv: 'CSV with a header row',
  wandb: 'W&B run (.wandb file or run folder)',
  mlflow: 'MLflow store (mlruns folder or mlflow.db)',
  'cliplab-probe': 'cliplab-probe stream (TRL / verl)',
};

export const FORMAT_CHOICES: readonly FormatChoice[] = ['auto', ...IMPORT_FORMATS];

/** The bytes of a file the browser read, ready to upload. */
export interface Upload {
  fileName: string;
  size: number;
  base64: string;
}

export type ImportSourceChoice = { kind: 'upload'; upload: Upload } | { kind: 'path'; path: string };

/** Where an error is shown: next to the field it is about, or for the file itself. */
export type ErrorField = 'file' | 'path' | 'format' | 'name';
export type FieldMessages = Partial<Record<ErrorField, string>>;

/** The API's argument names -> the dialog's fields. */
const FIELD_OF: Record<string, ErrorField> = {
  path: 'path',
  contentBase64: 'file',
  fileName: 'file',
  format: 'format',
  name: 'name',
};

export const UPLOAD_LIMIT_TEXT = `up to ${formatBytes(MAX_IMPORT_UPLOAD_BYTES)}; a larger file imports by its path`;

/** Why a picked file cannot be uploaded, or null when it can. */
export function uploadProblem(file: { name: string; size: number }): string | null {
  if (file.size === 0) return `${file.name} is empty`;
  if (file.size > MAX_IMPORT_UPLOAD_BYTES) {
    return `${file.name} is ${formatBytes(file.size)}; uploads are limited to ${formatBytes(MAX_IMPORT_UPLOAD_BYTES)}, so import it by its path`;
  }
  return null;
}

/** Base64 of bytes, in slices (String.fromCharCode takes its bytes as arguments, and those are bounded). */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** The file's bytes (FileReader: every engine the app and its tests run in has it). */
function readBytes(file: Blob): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(new Uint8Array(reader.result as ArrayBuffer));
    reader.onerror = () => reject(reader.error ?? new Error('the file could not be read'));
    reader.readAsArrayBuffer(file);
  });
}

export async function readUpload(file: File): Promise<Upload> {
  const bytes = await readBytes(file);
  return { fileName: file.name, size: bytes.length, base64: bytesToBase64(bytes) };
}

/** The `imports.detect` arguments for a source; null while the source is incomplete. */
export function detectArgs(source: ImportSourceChoice, format: FormatChoice): ApiArgs<'imports.detect'> | null {
  if (source.kind === 'upload') {
    return { fileName: source.upload.fileName, contentBase64: source.upload.base64, format };
  }
  const path = source.path.trim();
  return path ? { path, format } : null;
}

export type ImportRequest =
  | { call: 'imports.fromContent'; args: ApiArgs<'imports.fromContent'> }
  | { call: 'imports.fromPath'; args: ApiArgs<'imports.fromPath'> }
  | { call: 'imports.follow'; args: ApiArgs<'imports.follow'> };

/** The call that imports (or follows) the source; a name left empty lets the lab name the run. */
export function importRequest(
  source: ImportSourceChoice,
  opts: { format: FormatChoice; name: string; follow: boolean },
): ImportRequest {
  const name = opts.name.trim() || undefined;
  const { format } = opts;
  if (source.kind === 'upload') {
    const { fileName, base64: contentBase64 } = source.upload;
    return { call: 'imports.fromContent', args: { fileName, contentBase64, format, name } };
  }
  const path = source.path.trim();
  return opts.follow
    ? { call: 'imports.follow', args: { path, format, name } }
    : { call: 'imports.fromPath', args: { path, format, name } };
}

/** Runs the import (or starts following) and answers with the new run. */
export async function performImport(client: LabClient, req: ImportRequest): Promise<RunRecord> {
  switch (req.call) {
    case 'imports.follow':
      return client.api['imports.follow'](req.args);
    case 'imports.fromPath':
      return (await client.api['imports.fromPath'](req.args)).run;
    case 'imports.fromContent':
      return (await client.api['imports.fromContent'](req.args)).run;
  }
}

/**
 * An error by the field it is about. The importer's own errors (a malformed line, an unknown format)
 * carry no field: they are about the file, named in the message with the line or record at fault.
 */
export function errorsByField(err: unknown, source: ImportSourceChoice['kind']): FieldMessages {
  const fileField: ErrorField = source === 'upload' ? 'file' : 'path';
  if (!(err instanceof ApiError)) return { [fileField]: err instanceof Error ? err.message : String(err) };
  const out: FieldMessages = {};
  const fields = (err.fields ?? []).map((f) => ({ field: FIELD_OF[f.path.split('.')[0]] ?? fileField, ...f }));
  for (const { field, message } of fields) out[field] = out[field] ? `${out[field]}; ${message}` : message;
  // "Choose the format" is a hint about a file the message describes: show both.
  if (fields.every((f) => f.field === 'format')) out[fileField] ??= err.message;
  return out;
}

/** Canonical keys the import adds, each with the file's key whose points it shares. */
export function addedAliases(preview: ImportPreview): { canonical: string; key: string }[] {
  return Object.entries(preview.aliases)
    .filter(([canonical, key]) => canonical !== key)
    .map(([canonical, key]) => ({ canonical, key }))
    .sort((a, b) => a.canonical.localeCompare(b.canonical));
}

export function stepsText(preview: ImportPreview): string {
  const { count, first, last } = preview.steps;
  if (count === 0) return 'no steps with metrics yet';
  const range = first === last ? `step ${first}` : `steps ${first} to ${last}`;
  return `${preview.partial ? 'at least ' : ''}${count} step${count === 1 ? '' : 's'}, ${range}`;
}

/** Share of the file read while importing, 0..1; null before any progress. */
export function progressFraction(p: ImportProgressEvent | null): number | null {
  if (!p) return null;
  if (p.phase !== 'reading') return 1;
  return p.totalBytes > 0 ? Math.min(1, p.bytesRead / p.totalBytes) : null;
}

/** Whether a progress event is about the file this dialog imports (other clients import too). */
export function isProgressOf(p: ImportProgressEvent, source: ImportSourceChoice): boolean {
  if (source.kind === 'upload') return p.file === source.upload.fileName;
  const typed = source.path.trim();
  const base = typed.split(/[\\/]/).pop() ?? typed;
  return p.file === typed || p.file.endsWith(`/${base}`) || p.file.endsWith(`\\${base}`);
}
