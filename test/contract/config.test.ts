import { describe, expect, it } from 'vitest';
import {
  CLIP_SETTINGS,
  PRESETS,
  configHash,
  groupKey,
  parseOrThrow,
  presetConfig,
  runConfigSchema,
  sha256Hex,
  validateWith,
} from '../../src-main/contract';

describe('run config schema', () => {
  it('fills every default from an empty object', () => {
    const c = runConfigSchema.parse({});
    expect(c.objective.clipLow).toBe(0.2);
    expect(c.objective.clipHigh).toBe(0.2);
    expect(c.policy.kind).toBe('gpt');
    expect(c.task.kind).toBe('add');
  });

  it('reads "inf" as no upper clip', () => {
    const c = runConfigSchema.parse({ objective: { clipHigh: 'inf' } });
    expect(c.objective.clipHigh).toBeNull();
  });

  it.each([
    [{ objective: { clipLow: 1.5 } }, 'objective.clipLow'],
    [{ objective: { clipLow: -0.1 } }, 'objective.clipLow'],
    [{ rollout: { groupSize: 1 } }, 'rollout.groupSize'],
    [{ policy: { kind: 'gpt', context: 3 } }, 'policy.context'],
    [{ task: { kind: 'bandit' } }, 'policy.kind'],
    [{ task: { kind: 'nope' } }, 'task.kind'],
    [{ objective: { clipLo: 0.1 } }, 'objective'],
    [{ optim: { lr: 'fast' } }, 'optim.lr'],
    [{ policy: { kind: 'gpt', dModel: 64, heads: 5 } }, 'policy.heads'],
    [{ attribution: { method: 'autodiff' } }, 'attribution.method'],
    [{ attribution: { every: 0 } }, 'attribution.every'],
    [{ attribution: { every: 2.5 } }, 'attribution.every'],
    [{ attribution: { evry: 2 } }, 'attribution'],
    [{ attribution: { rule: 'midpoint' } }, 'attribution.rule'],
    [{ threads: 0 }, 'threads'],
    [{ threads: 1.5 }, 'threads'],
    [{ task: { kind: 'dataset', path: 'a.jsonl' }, policy: { kind: 'hf' } }, 'policy.path'],
    [{ task: { kind: 'dataset' }, policy: { kind: 'hf', path: 'm' } }, 'task.path'],
    [{ task: { kind: 'dataset', path: 'a.jsonl' }, policy: { kind: 'gpt' } }, 'policy.kind'],
    [{ task: { kind: 'add' }, policy: { kind: 'hf', path: 'm' } }, 'policy.kind'],
    [{ rollout: { topP: 0.9 } }, 'rollout.topP'],
    [
      { task: { kind: 'dataset', path: 'a', promptFormat: 'no slot' }, policy: { kind: 'hf', path: 'm' } },
      'task.promptFormat',
    ],
    [{ task: { kind: 'dataset', path: 'a', format: 'aime' }, policy: { kind: 'hf', path: 'm' } }, 'task.format'],
    [
      { task: { kind: 'dataset', path: 'a' }, policy: { kind: 'hf', path: 'm', lora: { rank: 0 } } },
      'policy.lora.rank',
    ],
    [{ optim: { microBatch: 0 } }, 'optim.microBatch'],
    [
      { task: { kind: 'dataset', path: 'a' }, policy: { kind: 'hf', path: 'm', lora: { targets: 'q_proj;v' } } },
      'policy.lora.targets',
    ],
  ])('names the field in %j', (input, path) => {
    const v = validateWith(runConfigSchema, input);
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.errors.map((e) => e.path)).toContain(path);
  });

  it("records how entropy is attributed: exact every 10th step, by Simpson's rule, by default", () => {
    expect(runConfigSchema.parse({}).attribution).toEqual({ method: 'exact', every: 10, rule: 'simpson' });
    const logit = runConfigSchema.parse({ attribution: { method: 'logit' } }).attribution;
    expect(logit).toEqual({ method: 'logit', every: 10, rule: 'simpson' });
    expect(runConfigSchema.parse({ attribution: { rule: 'tangent' } }).attribution.rule).toBe('tangent');
    expect(runConfigSchema.parse({ attribution: { rule: 'trapezoid' } }).attribution.rule).toBe('trapezoid');
  });

  it('says what attribution.rule takes when given something else', () => {
    const v = validateWith(runConfigSchema, { attribution: { rule: 'midpoint' } });
    expect(v.ok).toBe(false);
    if (!v.ok) {
      expect(v.errors).toEqual([
        { path: 'attribution.rule', message: expect.stringMatching(/"trapezoid".*"tangent".*"simpson"/) as string },
      ]);
    }
    expect(() => parseOrThrow(runConfigSchema, { attribution: { rule: 2 } }, 'run config')).toThrow(
      /attribution\.rule: expected one of "trapezoid", "tangent", "simpson"/,
    );
  });

  it('takes a Hugging Face run on a dataset with LoRA defaults and top-p', () => {
    const c = runConfigSchema.parse({
      task: { kind: 'dataset', path: 'gsm8k.jsonl' },
      policy: { kind: 'hf', path: 'SmolLM2' },
      rollout: { topP: 0.95 },
      optim: { microBatch: 4 },
    });
    expect(c.policy).toMatchObject({
      kind: 'hf',
      finetune: 'lora',
      lora: { rank: 16, alpha: 32, targets: 'all-linear' },
    });
    expect(c.task).toMatchObject({ format: 'gsm8k', maxNewTokens: 256, chatTemplate: true, evalPath: null });
  });

  it('accepts group size 1 for an estimator that needs no group', () => {
    const v = validateWith(runConfigSchema, { rollout: { groupSize: 1 }, advantage: { estimator: 'reinforce_pp' } });
    expect(v.ok).toBe(true);
  });
});

describe('presets', () => {
  it('are all valid configs with distinct names', () => {
    const names = new Set(PRESETS.map((p) => p.name));
    expect(names.size).toBe(PRESETS.length);
    for (const p of PRESETS) expect(() => presetConfig(p.name)).not.toThrow();
  });

  it("describe the GPT's random-reward runs by what they showed, the tabular ones by the paper", () => {
    const described = (name: string) => PRESETS.find((p) => p.name === name)?.description;
    // The reproduction contradicts "entropy falls" for 0.2/0.2 on the GPT (docs/results.md).
    expect(described('gpt-random-sym')).toMatch(/rollout entropy rises/);
    expect(described('gpt-random-sym')).not.toMatch(/entropy falls/);
    for (const c of CLIP_SETTINGS) expect(described(`tabular-random-${c.id}`)).toBe(c.expectation);
  });

  it('hf-gsm8k presets need only the model and data paths', () => {
    const hf = PRESETS.filter((p) => p.name.startsWith('hf-gsm8k-'));
    expect(hf.map((p) => p.name)).toContain('hf-gsm8k-random-sym');
    expect(hf.map((p) => p.name)).toContain('hf-gsm8k-true-sym');
    for (const p of hf) {
      expect(p.needs).toEqual(['policy.path', 'task.path']);
      const missing = validateWith(runConfigSchema, p.config);
      expect(!missing.ok && missing.errors.map((e) => e.path).sort()).toEqual(['policy.path', 'task.path']);
      const cfg = p.config as { policy: object; task: object };
      const full = { ...cfg, policy: { ...cfg.policy, path: 'model' }, task: { ...cfg.task, path: 'data.jsonl' } };
      expect(validateWith(runConfigSchema, full).ok).toBe(true);
    }
  });
});

describe('identity', () => {
  it('computes SHA-256 like the standard vectors', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('a'.repeat(1000))).toBe('41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3');
  });

  it('hashes key order away and ignores the seed in the group key', () => {
    const a = runConfigSchema.parse({ seed: 1 });
    const b = runConfigSchema.parse({ seed: 2 });
    expect(configHash(a)).not.toBe(configHash(b));
    expect(groupKey(a)).toBe(groupKey(b));
    expect(configHash({ x: 1, y: 2 })).toBe(configHash({ y: 2, x: 1 }));
  });

  it('keeps runs that differ only in what is measured (attribution) in one group', () => {
    const a = runConfigSchema.parse({});
    const b = runConfigSchema.parse({ attribution: { method: 'off' } });
    expect(configHash(a)).not.toBe(configHash(b));
    expect(groupKey(a)).toBe(groupKey(b));
    expect(groupKey(runConfigSchema.parse({ optim: { lr: 1e-4 } }))).not.toBe(groupKey(a));
  });

  it('keeps runs that differ only in threads in one group (threads change speed, not results)', () => {
    const auto = runConfigSchema.parse({});
    expect(auto.threads).toBeNull();
    expect(groupKey(runConfigSchema.parse({ threads: 4 }))).toBe(groupKey(auto));
    const { threads: _threads, ...before } = auto; // a config stored before the setting existed
    expect(groupKey(before)).toBe(groupKey(auto));
  });
});
