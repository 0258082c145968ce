/**
 * `models.inspect`: a model folder where the lab runs, described for the New run form (desktop:
 * chosen with the folder dialog; web mode: a path typed on the server, checked here), and the
 * memory the form's run would need. Nothing is loaded but config.json, the tokenizer and headers.
 */
import path from 'node:path';
import { ApiError, runConfigDraftSchema, validateWith, type ApiHandlers, type RunConfig } from '../contract';
import { estimateRun, inspectModel } from '../engine/policies/hf';
import { resolveModelsPath, resolveModelsPaths } from './models-folder';

type HfRunConfig = RunConfig & { policy: Extract<RunConfig['policy'], { kind: 'hf' }> };

/** The run with its `@models/` task file resolved; unchanged while that file is missing (the estimate then assumes prompt lengths). */
function resolvedTask(run: HfRunConfig): HfRunConfig {
  try {
    return resolveModelsPaths(run) as HfRunConfig;
  } catch {
    return run;
  }
}

export function modelHandlers(): Pick<ApiHandlers, 'models.inspect'> {
  return {
    'models.inspect': async ({ path: given, config }) => {
      const dir = path.resolve(resolveModelsPath(given, 'policy.path'));
      try {
        const v = config === undefined ? null : validateWith(runConfigDraftSchema, config);
        if (!v?.ok || v.value.policy.kind !== 'hf') return { model: await inspectModel(dir), memory: null };
        const run = { ...v.value, policy: { ...v.value.policy, path: dir } } as HfRunConfig;
        return await estimateRun(resolvedTask(run));
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        throw new ApiError('bad_request', message, [{ path: 'policy.path', message }]);
      }
    },
  };
}
