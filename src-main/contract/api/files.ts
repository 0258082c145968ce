/**
 * The two calls that need the desktop app's native dialogs. `files.saveAs` saves a file the renderer
 * holds (a rendered figure, exported data) where the user chooses; a browser has no such call and
 * downloads the file instead (src-renderer/components/export/save-file.ts picks the way by
 * transport). `files.openPath` chooses a file on the user's machine by its path, for calls that read
 * files where the lab runs (`imports.fromPath`, `imports.follow`); web mode and the CLI have no window
 * to show one and refuse it (a browser uploads the file's bytes, or the user types a path on the server).
 */
import { z } from 'zod';
import { defineCall } from './define';

/** Largest file `files.saveAs` writes (decoded bytes): far above any figure or series export. */
export const MAX_SAVE_BYTES = 64 * 1024 * 1024;

export interface SavedFile {
  /** Where the file was written; null when the user cancelled the dialog. */
  path: string | null;
}

export interface OpenedPath {
  /** The chosen file; null when the user cancelled the dialog. */
  path: string | null;
}

const fileName = z
  .string()
  .trim()
  .min(1)
  .max(255)
  .refine((name) => !/[/\\\0]/.test(name), { message: 'expected a file name without folders' });

/** The file types a dialog offers; "All files" is always added. @default [] */
function fileFilters(maxExtensions: number) {
  const filter = z
    .object({
      /** What the dialog calls the type, e.g. "PDF figure" or "Training logs". */
      name: z.string().trim().min(1).max(100),
      /** Extensions without the dot, e.g. ["pdf"] or ["jsonl", "log"]. */
      extensions: z
        .array(z.string().regex(/^[A-Za-z0-9]{1,10}$/, 'expected an extension without the dot'))
        .min(1)
        .max(maxExtensions),
    })
    .strict();
  return z.array(filter).max(10).default([]);
}

export const filesApi = {
  /** Asks where to save `filename` (a save dialog) and writes the bytes there whole or not at all. */
  'files.saveAs': defineCall<SavedFile>()(
    z
      .object({
        filename: fileName,
        base64: z
          .string()
          .max(Math.ceil(MAX_SAVE_BYTES / 3) * 4, `expected at most ${MAX_SAVE_BYTES} bytes`)
          .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'expected base64 text'),
        filters: fileFilters(10),
      })
      .strict(),
  ),
  /** Shows the open dialog for one existing file (or folder) and answers with its path (nothing is read). */
  'files.openPath': defineCall<OpenedPath>()(
    z
      .object({
        /** The dialog's title. @default "Open" */
        title: z.string().trim().min(1).max(200).optional(),
        filters: fileFilters(20),
        /** Choose a file, or a folder (a Hugging Face model folder). @default "file" */
        kind: z.enum(['file', 'folder']).default('file'),
      })
      .strict()
      .prefault({}),
  ),
};
