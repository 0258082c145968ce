/**
 * Where `@models/NAME` paths point (contract/models-folder.ts): the `models` folder of the app's
 * data folder, beside the database (CLIPLAB_MODELS overrides it). Runs store the resolved absolute
 * path, the file they really trained on; a missing file is refused with the command that makes it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ApiError, MODELS_FOLDER_FILES, MODELS_REF, type RunConfig } from '../contract';
import { userDataDir } from './paths';

/** Environment variable naming another models folder. */
export const MODELS_ENV = 'CLIPLAB_MODELS';

export function modelsDir(env: NodeJS.ProcessEnv = process.env): string {
  const given = env[MODELS_ENV];
  return given ? path.resolve(given) : path.join(userDataDir({ env }), 'models');
}

function refused(field: string, message: string): never {
  throw new ApiError('bad_request', `${field}: ${message}`, [{ path: field, message }]);
}

/** `value` with a leading `@models/` replaced by the models folder; the file must exist. Other paths pass. */
export function resolveModelsPath(value: string, field: string, env: NodeJS.ProcessEnv = process.env): string {
  if (!value.startsWith(MODELS_REF)) return value;
  const name = value.slice(MODELS_REF.length);
  if (name === '' || name.split(/[\\/]/).includes('..')) {
    refused(field, `"${value}" must name a file inside the models folder`);
  }
  const dir = modelsDir(env);
  const file = path.join(dir, name);
  if (!fs.existsSync(file)) {
    const known = MODELS_FOLDER_FILES[name];
    const how = known ? `: run \`${known.command}\` to make it (${known.what})` : '';
    refused(field, `"${value}" is missing, no file ${file}${how}`);
  }
  return file;
}

/** The config with every `@models/` path of its policy and task resolved. */
export function resolveModelsPaths(config: RunConfig, env: NodeJS.ProcessEnv = process.env): RunConfig {
  const { policy, task } = config;
  return {
    ...config,
    policy: policy.kind === 'hf' ? { ...policy, path: resolveModelsPath(policy.path, 'policy.path', env) } : policy,
    task:
      task.kind === 'dataset'
        ? {
            ...task,
            path: resolveModelsPath(task.path, 'task.path', env),
            evalPath: task.evalPath === null ? null : resolveModelsPath(task.evalPath, 'task.evalPath', env),
          }
        : task,
  };
}
