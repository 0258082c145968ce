/**
 * Saving a file the renderer holds (a rendered figure, exported data) where the user chooses. The
 * desktop app answers with its native save dialog; a browser has no such call and downloads the file
 * instead (src-renderer/components/export/save-file.ts picks the way by transport).
 */
import { z } from 'zod';
import { defineCall } from './define';

/** Largest file `files.saveAs` writes (decoded bytes): far above any figure or series export. */
export const MAX_SAVE_BYTES = 64 * 1024 * 1024;

export interface SavedFile {
  /** Where the file was written; null when the user cancelled the dialog. */
  path: string | null;
}

const fileName = z
  .string()
  .trim()
  .min(1)
  .max(255)
  .refine((name) => !/[/\\\0]/.test(name), { message: 'expected a file name without folders' });

const filter = z
  .object({
    /** What the dialog calls the type, e.g. "PDF figure". */
    name: z.string().trim().min(1).max(100),
    /** Extensions without the dot, e.g. ["pdf"]. */
    extensions: z
      .array(z.string().regex(/^[A-Za-z0-9]{1,10}$/, 'expected an extension without the dot'))
      .min(1)
      .max(10),
  })
  .strict();

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
        /** File types offered by the dialog; "All files" is always added. @default [] */
        filters: z.array(filter).max(10).default([]),
      })
      .strict(),
  ),
};
