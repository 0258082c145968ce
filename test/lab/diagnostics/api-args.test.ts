import { describe, expect, it } from 'vitest';
import { api, toFieldErrors } from '../../../src-main/contract';

describe('diagnostics API arguments', () => {
  it('fills default options and validates them by field', () => {
    const parsed = api['diagnostics.run'].args.parse({ ids: [3] });
    expect(parsed.options).toEqual({ collapseFraction: 0.1, window: null, trendThreshold: 0.05 });
    const bad = api['diagnostics.run'].args.safeParse({ ids: [3], options: { collapseFraction: 1.5, window: 2 } });
    expect(bad.success).toBe(false);
    if (!bad.success) {
      expect(toFieldErrors(bad.error).map((e) => e.path)).toEqual(['options.collapseFraction', 'options.window']);
    }
  });

  it('takes a group by key or by ids, not both or neither', () => {
    const group = api['diagnostics.group'].args;
    expect(group.safeParse({ groupKey: 'abc' }).success).toBe(true);
    expect(group.safeParse({ ids: [1, 2] }).success).toBe(true);
    const neither = group.safeParse({});
    expect(neither.success).toBe(false);
    if (!neither.success) expect(neither.error.issues[0].message).toBe('expected exactly one of groupKey or ids');
    expect(group.safeParse({ groupKey: 'abc', ids: [1] }).success).toBe(false);
  });

  it('accepts only known scalars to compare on', () => {
    const compare = api['diagnostics.compare'].args;
    expect(compare.safeParse({ a: [1], b: [2], scalars: ['entropy.final'] }).success).toBe(true);
    const bad = compare.safeParse({ a: [1], b: [2], scalars: ['entropy.nope'] });
    expect(bad.success).toBe(false);
    if (!bad.success) expect(bad.error.issues[0].message).toContain('expected one of entropy.start');
  });
});
