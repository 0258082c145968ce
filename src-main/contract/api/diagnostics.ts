/** API calls of the entropy-collapse diagnostics (issue 5). Results are typed in contract/diagnostics.ts. */
import { z } from 'zod';
import {
  diagnosisOptionsSchema,
  SCALAR_LABELS,
  type GroupComparison,
  type GroupDiagnosis,
  type RunDiagnosis,
} from '../diagnostics';
import { defineCall } from './define';
import { runId } from './runs';

const options = diagnosisOptionsSchema.prefault({});
const runIds = z.array(runId).min(1).max(1000);
const scalarName = z.string().refine((s) => s in SCALAR_LABELS, {
  message: `expected one of ${Object.keys(SCALAR_LABELS).join(', ')}`,
});

export interface GroupComparisonResult {
  a: GroupDiagnosis;
  b: GroupDiagnosis;
  comparison: GroupComparison;
}

export const diagnosticsApi = {
  /**
   * Diagnoses each run. A run's random-reward control is the one named in `controls`, else found in
   * the store: a local run with the same config and seed and Bernoulli rewards.
   */
  'diagnostics.run': defineCall<RunDiagnosis[]>()(
    z
      .object({
        ids: runIds.max(100),
        options,
        controls: z
          .array(z.object({ run: runId, control: runId }).strict())
          .max(100)
          .optional(),
      })
      .strict(),
  ),
  /** Diagnoses a seed group, by group key or by explicit run ids (exactly one of the two). */
  'diagnostics.group': defineCall<GroupDiagnosis>()(
    z
      .object({ groupKey: z.string().min(1).optional(), ids: runIds.optional(), options })
      .strict()
      .refine((a) => (a.groupKey === undefined) !== (a.ids === undefined), {
        message: 'expected exactly one of groupKey or ids',
        path: ['groupKey'],
      }),
  ),
  /** Compares two sets of seeds on final entropy and other scalars (Welch's t, Hedges' g). */
  'diagnostics.compare': defineCall<GroupComparisonResult>()(
    z.object({ a: runIds, b: runIds, options, scalars: z.array(scalarName).min(1).max(50).optional() }).strict(),
  ),
};
