/** Handlers of `presets.list` and `config.validate`. */
import { PRESETS, configHash, groupKey, runConfigSchema, validateWith, type ApiHandlers } from '../contract';

type ConfigHandlers = Pick<ApiHandlers, 'presets.list' | 'config.validate'>;

export function configHandlers(): ConfigHandlers {
  return {
    'presets.list': () => PRESETS.map((p) => ({ ...p })),
    'config.validate': ({ config }) => {
      const v = validateWith(runConfigSchema, config);
      if (!v.ok) return { ok: false, errors: v.errors };
      return { ok: true, config: v.value, hash: configHash(v.value), groupKey: groupKey(v.value) };
    },
  };
}
