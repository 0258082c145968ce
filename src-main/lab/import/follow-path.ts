/**
 * Which file a follow request means, checked before anything is created: a path is taken as given
 * when absolute, else against the lab's working folder (where `cliplab serve` was started), and must
 * name an existing, readable regular file. Every refusal names the resolved path and what was wrong.
 */
import { constants, type Stats } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import path from 'node:path';
import { ApiError } from '../../contract';
import { runFolderKind, wandbRunFile } from './source';

function refuse(message: string): ApiError {
  return new ApiError('bad_request', message, [{ path: 'path', message }]);
}

function kindOf(info: Stats): string {
  if (info.isDirectory()) return 'a folder';
  if (info.isFIFO()) return 'a named pipe';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/**
 * Absolute path of the log `input` names, or a bad_request ApiError (field `path`) saying why not.
 * A W&B run folder names its `run-<id>.wandb` file; with `folders`, an import may also name a
 * folder of runs (an MLflow store, a wandb/ folder), which a follow cannot.
 */
export async function resolveLogPath(input: string, cwd = process.cwd(), folders = false): Promise<string> {
  const file = path.resolve(cwd, input);
  const resolved = path.isAbsolute(input) ? '' : ` (${input} taken relative to the lab's folder ${cwd})`;
  let info: Stats;
  try {
    info = await stat(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw refuse(`no file at ${file}${resolved}; expected an existing log on the machine running cliplab`);
    }
    throw refuse(`cannot look at ${file}${resolved} (${code ?? (err as Error).message})`);
  }
  if (info.isDirectory()) {
    const runFile = await wandbRunFile(file).catch(() => null);
    if (runFile) return resolveLogPath(runFile, cwd);
    if (folders && (await runFolderKind(file))) return file;
    if (folders) {
      throw refuse(
        `${file} is a folder without runs; expected a log file, a W&B run folder, an MLflow mlruns folder or a TensorBoard log folder`,
      );
    }
  }
  if (!info.isFile()) {
    const kind = kindOf(info);
    throw refuse(`${file} is ${kind}; expected a log file${kind === 'a folder' ? ' inside it' : ''}`);
  }
  try {
    await access(file, constants.R_OK);
  } catch (err) {
    throw refuse(`cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'permission denied'})`);
  }
  return file;
}
