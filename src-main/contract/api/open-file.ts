/**
 * Choosing a file on the user's machine by its path, for calls that read files where the lab runs
 * (`imports.fromPath`, `imports.follow`). The desktop app answers with its native open dialog; web
 * mode and the CLI have no window to show one and refuse the call (a browser uploads the file's
 * bytes, or the user types a path on the server).
 */
import { z } from 'zod';
import { defineCall } from './define';

export interface OpenedPath {
  /** The chosen file; null when the user cancelled the dialog. */
  path: string | null;
}

const filter = z
  .object({
    /** What the dialog calls the type, e.g. "Training logs". */
    name: z.string().trim().min(1).max(100),
    /** Extensions without the dot, e.g. ["jsonl", "log"]. */
    extensions: z
      .array(z.string().regex(/^[A-Za-z0-9]{1,10}$/, 'expected an extension without the dot'))
      .min(1)
      .max(20),
  })
  .strict();

export const openFileApi = {
  /** Shows the open dialog for one existing file and answers with its path (nothing is read). */
  'files.openPath': defineCall<OpenedPath>()(
    z
      .object({
        /** The dialog's title. @default "Open" */
        title: z.string().trim().min(1).max(200).optional(),
        /** File types offered; "All files" is always added. @default [] */
        filters: z.array(filter).max(10).default([]),
      })
      .strict()
      .prefault({}),
  ),
};
