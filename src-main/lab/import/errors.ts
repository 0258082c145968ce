/**
 * The one error every importer throws for bad input. It names the file, the place (line, record or
 * JSON entry) and what was expected, so a user can open the file at that spot.
 */

export interface ImportErrorPlace {
  line?: number;
  record?: number;
  /** Free-form place for structured files, e.g. `log_history[3]`. */
  at?: string;
}

export class ImportError extends Error {
  readonly file: string;
  readonly line: number | null;
  readonly record: number | null;
  readonly at: string | null;
  readonly problem: string;

  constructor(file: string, problem: string, place: ImportErrorPlace = {}) {
    super(`${file}${describePlace(place)}: ${problem}`);
    this.name = 'ImportError';
    this.file = file;
    this.problem = problem;
    this.line = place.line ?? null;
    this.record = place.record ?? null;
    this.at = place.at ?? null;
  }
}

function describePlace(place: ImportErrorPlace): string {
  if (place.line !== undefined) return `: line ${place.line}`;
  if (place.record !== undefined) return `: record ${place.record}`;
  if (place.at !== undefined) return `: ${place.at}`;
  return '';
}

export function isImportError(err: unknown): err is ImportError {
  return err instanceof ImportError;
}
