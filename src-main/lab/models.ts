/**
 * `models.inspect`: a model folder where the lab runs, described for the New run form (desktop:
 * chosen with the folder dialog; web mode: a path typed on the server, checked here), and the
 * memory the form's run would need. Nothing is loaded but config.json, the tokenizer and headers.
 */
import path from 'node:path';
import { ApiError, runConfigDraftSchema, validateWith, type ApiHandlers, type RunConfig } from '../contract';
import { estimateRun, inspectModel } from '../engine/policies/hf';

type HfRunConfig = RunConfig & { policy: Extract<RunConfig['policy'], { kind: 'hf' }> };

export function modelHandlers(): Pick<ApiHandlers, 'models.inspect'> {
  return {
    'models.inspect': async ({ path: given, config }) => {
      const dir = path.resolve(given);
      try {
        const v = config === undefined ? null : validateWith(runConfigDraftSchema, config);
        if (!v?.ok || v.value.policy.kind !== 'hf') return { model: await inspectModel(dir), memory: null };
        const run = { ...v.value, policy: { ...v.value.policy, path: dir } } as HfRunConfig;
        return await estimateRun(run);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        throw new ApiError('bad_request', message, [{ path: 'policy.path', message }]);
      }
    },
  };
}
