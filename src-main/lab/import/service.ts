/**
 * The import API handlers (contract/api/imports.ts). Bad input surfaces as a bad_request naming the
 * file, place and expectation; progress goes out as `import.progress` events, at most a few a second.
 */
import { ApiError, MAX_IMPORT_UPLOAD_BYTES, type ApiHandlers, type ImportProgressEvent } from '../../contract';
import type { LabContext } from '../context';
import { announceRun, readRun } from '../records';
import { ImportError } from './errors';
import { resolveLogPath } from './follow-path';
import { importContent, importFile, type ImportOptions, type ImportOutcome } from './index';
import { previewContent, previewFile } from './preview';

type ImportCalls = 'imports.detect' | 'imports.fromPath' | 'imports.fromContent';

const PROGRESS_INTERVAL_MS = 200;

/** Emits progress while reading at most every 200 ms; phase changes always go out. */
function progressEmitter(ctx: LabContext): (p: ImportProgressEvent) => void {
  let last = 0;
  return (p) => {
    const now = Date.now();
    if (p.phase === 'reading' && now - last < PROGRESS_INTERVAL_MS && p.bytesRead < p.totalBytes) return;
    last = now;
    ctx.emit('import.progress', p);
  };
}

/** ImportErrors are the user's input: a bad_request with the importer's message. */
async function asBadRequest<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof ImportError) throw new ApiError('bad_request', err.message);
    throw err;
  }
}

function decodeUpload(contentBase64: string, fileName: string): Buffer {
  const bytes = Buffer.from(contentBase64, 'base64');
  if (bytes.length > MAX_IMPORT_UPLOAD_BYTES) {
    throw new ApiError(
      'bad_request',
      `${fileName} is ${bytes.length} bytes; uploads are limited to ${MAX_IMPORT_UPLOAD_BYTES}`,
    );
  }
  return bytes;
}

export function importHandlers(ctx: LabContext): Pick<ApiHandlers, ImportCalls> {
  const result = (outcome: ImportOutcome) => ({
    run: announceRun(ctx, outcome.runId),
    runs: outcome.runIds.map((id) => (id === outcome.runId ? readRun(ctx, id) : announceRun(ctx, id))),
    format: outcome.format,
    reason: outcome.reason,
    points: outcome.points,
    keys: outcome.keys,
    coverage: outcome.coverage,
    warnings: outcome.warnings,
  });
  const options = (a: { format: ImportOptions['format']; name?: string; stepColumn?: string }): ImportOptions => ({
    format: a.format,
    name: a.name,
    stepColumn: a.stepColumn,
    onProgress: progressEmitter(ctx),
  });
  return {
    'imports.detect': (a) =>
      asBadRequest(async () => {
        const req = { format: a.format, options: { stepColumn: a.stepColumn } };
        if (a.path !== undefined) {
          // A missing file or an unreadable one is named with its resolved path (field `path`).
          return previewFile(await resolveLogPath(a.path, process.cwd(), true), req);
        }
        const name = a.fileName ?? 'upload';
        return previewContent(decodeUpload(a.contentBase64 ?? '', name), name, req);
      }),
    'imports.fromPath': (a) =>
      asBadRequest(async () => {
        return result(await importFile(ctx.store, await resolveLogPath(a.path, process.cwd(), true), options(a)));
      }),
    'imports.fromContent': (a) =>
      asBadRequest(async () =>
        result(await importContent(ctx.store, decodeUpload(a.contentBase64, a.fileName), a.fileName, options(a))),
      ),
  };
}
