/**
 * Following a log that a trainer is still writing (issue 8): the lab reads the file on the machine
 * it runs on (the desktop, or in web mode the GPU box beside `cliplab serve`), appends each new batch
 * of points to one imported run and announces it with `run.changed`, so every client's charts move
 * while the trainer writes.
 *
 * A followed run is `running` while it is followed. `imports.stopFollow` ends it as `completed`.
 * A follow that ends without the user asking is `interrupted`, its `error` saying why and at which
 * step: the lab closed (or the process following it died). A malformed line ends it as `failed` with
 * the importer's message (file and line).
 */
import { z } from 'zod';
import type { RunRecord } from '../runs';
import { defineCall } from './define';
import { IMPORT_FORMATS, type ImportFormatName } from './imports';
import { runId } from './runs';

/** How many logs one lab follows at once; each one polls its file. */
export const MAX_FOLLOWS = 32;

export interface FollowedLog {
  /** The run the points go into; it is also the follow's id (`imports.stopFollow`). */
  runId: number;
  /** Absolute path on the machine running the lab. */
  file: string;
  format: ImportFormatName;
  /** ISO 8601. */
  startedAt: string;
  /** Points stored so far, canonical aliases included. */
  points: number;
  /** Last step stored; null before the first batch. */
  lastStep: number | null;
  /** When the last batch was stored (ISO 8601); null before the first. */
  updatedAt: string | null;
}

export const followsApi = {
  /**
   * Starts following `path` (absolute, or relative to the lab's working folder; it must be a
   * readable regular file) into a new imported run, returned at once as `running`. With format
   * `auto` the file must already show its format; a log with no metrics yet needs `format`.
   */
  'imports.follow': defineCall<RunRecord>()(
    z
      .object({
        path: z.string().trim().min(1).max(4096),
        /** @default "auto" */
        format: z.enum(['auto', ...IMPORT_FORMATS]).default('auto'),
        /** Run name (defaults to one made from the file name). */
        name: z.string().trim().min(1).max(200).optional(),
        /** CSV only: the step column. */
        stepColumn: z.string().min(1).max(200).optional(),
        /** How often to look at the file, besides change notifications. @default 1000 */
        intervalMs: z.number().int().min(50).max(60_000).default(1000),
      })
      .strict(),
  ),
  /** The logs this lab is following, oldest first. */
  'imports.following': defineCall<FollowedLog[]>()(z.object({}).strict().prefault({})),
  /**
   * Stops following into run `id`; the run becomes `completed` with the points stored so far. An
   * imported run left `running` by a follower that is gone is completed the same way.
   */
  'imports.stopFollow': defineCall<RunRecord>()(z.object({ id: runId }).strict()),
};
