/** API calls over stored runs: listing, series, samples, labels, seed groups. */
import { z } from 'zod';
import {
  RUN_STATUSES,
  type MetricKeyInfo,
  type RunRecord,
  type SampleRecord,
  type SeedGroup,
  type Series,
} from '../runs';
import { defineCall } from './define';

export const runId = z.number().int().positive();
const tag = z.string().trim().min(1).max(64);

export const runsApi = {
  'runs.list': defineCall<RunRecord[]>()(
    z
      .object({
        status: z.array(z.enum(RUN_STATUSES)).optional(),
        tags: z.array(tag).optional(),
        /** Case-insensitive match on name, notes, tags. */
        text: z.string().max(200).optional(),
      })
      .strict()
      .prefault({}),
  ),
  'runs.get': defineCall<RunRecord>()(z.object({ id: runId }).strict()),
  'runs.keys': defineCall<MetricKeyInfo[]>()(z.object({ id: runId }).strict()),
  'runs.series': defineCall<Series[]>()(
    z
      .object({
        id: runId,
        keys: z.array(z.string().min(1).max(200)).min(1).max(200),
        from: z.number().int().min(0).optional(),
        to: z.number().int().min(0).optional(),
      })
      .strict(),
  ),
  'runs.sampleSteps': defineCall<number[]>()(z.object({ id: runId }).strict()),
  'runs.samples': defineCall<SampleRecord[]>()(z.object({ id: runId, step: z.number().int().min(0) }).strict()),
  'runs.rename': defineCall<RunRecord>()(z.object({ id: runId, name: z.string().trim().min(1).max(200) }).strict()),
  'runs.setTags': defineCall<RunRecord>()(z.object({ id: runId, tags: z.array(tag).max(50) }).strict()),
  'runs.setNotes': defineCall<RunRecord>()(z.object({ id: runId, notes: z.string().max(100_000) }).strict()),
  'runs.delete': defineCall<{ deleted: number[] }>()(z.object({ ids: z.array(runId).min(1).max(10_000) }).strict()),
  'runs.groups': defineCall<SeedGroup[]>()(z.object({}).strict().prefault({})),
};
