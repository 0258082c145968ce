import { describe, expect, it } from 'vitest';
import {
  PRESETS,
  configHash,
  groupKey,
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
  ])('names the field in %j', (input, path) => {
    const v = validateWith(runConfigSchema, input);
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.errors.map((e) => e.path)).toContain(path);
  });

  it('records how entropy is attributed: exact every 10th step by default', () => {
    expect(runConfigSchema.parse({}).attribution).toEqual({ method: 'exact', every: 10 });
    const logit = runConfigSchema.parse({ attribution: { method: 'logit' } }).attribution;
    expect(logit).toEqual({ method: 'logit', every: 10 });
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
});
