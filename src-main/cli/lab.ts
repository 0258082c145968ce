/** Opening the lab for one command, on the database `--db` or CLIPLAB_DB names (else the app's default). */
import { createLab, resolveDbPath, type LabService } from '../lab';
import type { CliIo, ParsedArgs } from './command';
import { stringOption } from './options';

export function dbPathOf(args: ParsedArgs, io: CliIo): string {
  return resolveDbPath(stringOption(args, 'db'), io.env);
}

/** Runs fn with a lab on the chosen database and closes it afterwards, whatever happens. */
export async function withLab<T>(args: ParsedArgs, io: CliIo, fn: (lab: LabService) => Promise<T>): Promise<T> {
  const lab = createLab({ dbPath: dbPathOf(args, io) });
  try {
    return await fn(lab);
  } finally {
    await lab.close();
  }
}
