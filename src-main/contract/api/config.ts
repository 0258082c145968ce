/** API calls over configs and presets. */
import { z } from 'zod';
import type { RunConfig } from '../config';
import type { Preset } from '../presets';
import type { FieldError } from '../validate';
import { defineCall } from './define';

export type ConfigCheck =
  { ok: true; config: RunConfig; hash: string; groupKey: string } | { ok: false; errors: FieldError[] };

export const configApi = {
  'presets.list': defineCall<Preset[]>()(z.object({}).strict().prefault({})),
  /** Validates any value as a run config; never throws for a bad config, it reports it. */
  'config.validate': defineCall<ConfigCheck>()(z.object({ config: z.unknown() }).strict()),
};
