/** Opening the lab for one command, on the database `--db` or CLIPLAB_DB names (else the app's default). */
import fs from 'node:fs';
import { ApiError, type RunRecord } from '../contract';
import { createLab, DB_ENV, dispatch, resolveDbPath, type LabService } from '../lab';
import { UsageError, type CliIo, type ParsedArgs } from './command';
import { stringOption } from './options';

export function dbPathOf(args: ParsedArgs, io: CliIo): string {
  return resolveDbPath(stringOption(args, 'db'), io.env);
}

export interface LabUse {
  /**
   * The command only reads (runs, show, diagnose, exports): a database named by --db or CLIPLAB_DB
   * must exist. Opening it would otherwise create a mistyped path's folders and an empty database,
   * and answer "no runs". The app's default database is still made on first use.
   */
  reads?: boolean;
}

/** Refuses a read command's database that does not exist, naming where the path came from. */
function checkReadable(args: ParsedArgs, io: CliIo, file: string): void {
  if (fs.existsSync(file)) return;
  const given = stringOption(args, 'db') ? '--db' : io.env[DB_ENV] ? DB_ENV : null;
  if (given === null) return;
  throw new ApiError(
    'not_found',
    `${given} ${file}: no such database (this command only reads, so it creates none); check the path, or make one with \`cliplab train\` or \`cliplab import\``,
  );
}

/** Runs fn with a lab on the chosen database and closes it afterwards, whatever happens. */
export async function withLab<T>(
  args: ParsedArgs,
  io: CliIo,
  fn: (lab: LabService) => Promise<T>,
  use: LabUse = {},
): Promise<T> {
  const dbPath = dbPathOf(args, io);
  if (use.reads) checkReadable(args, io, dbPath);
  // The command's environment, not the process's, names dashboard headers (lab/remote/targets.ts).
  const lab = createLab({ dbPath, remote: { env: io.env } });
  try {
    return await fn(lab);
  } finally {
    await lab.close();
  }
}

/** The run `ref` names: a run id, or the exact name of one run. */
export async function findRun(lab: LabService, ref: string): Promise<RunRecord> {
  if (/^\d+$/.test(ref)) {
    if (Number(ref) < 1) throw new UsageError(`RUN: expected a run id (1 or more) or a run name, got "${ref}"`);
    return dispatch(lab, 'runs.get', { id: Number(ref) });
  }
  const named = (await dispatch(lab, 'runs.list', {})).filter((r) => r.name === ref);
  if (named.length === 1) return named[0];
  if (named.length === 0) throw new ApiError('not_found', `no run with id or name "${ref}" in ${lab.dbPath}`);
  throw new UsageError(`"${ref}" names runs ${named.map((r) => r.id).join(', ')}; give the id`);
}

/** withLab for a command on one run: fn gets the run `ref` (the RUN argument) names. No run, no database. */
export function withRun<T>(
  args: ParsedArgs,
  io: CliIo,
  ref: string,
  fn: (lab: LabService, run: RunRecord) => Promise<T>,
): Promise<T> {
  return withLab(args, io, async (lab) => fn(lab, await findRun(lab, ref)), { reads: true });
}

/** withLab for a command that only reads: a named database must exist (LabUse.reads). */
export function readLab<T>(args: ParsedArgs, io: CliIo, fn: (lab: LabService) => Promise<T>): Promise<T> {
  return withLab(args, io, fn, { reads: true });
}
