/** ±Infinity survives JSON, apart from NaN (null), for people (strings) and between processes (tagged). */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { apiJson, apiParse, documentJson, FLOAT_TAG } from '../../src-main/contract';
import { python } from '../support/python';

const doc = { name: 'Infinity', values: [1, Infinity, -Infinity, NaN, null, -0.5], latest: { 'kl/ppo': Infinity } };

describe('JSON with ±Infinity', () => {
  it('plain JSON.stringify would lose it: the reason for these codecs', () => {
    expect(JSON.stringify([Infinity, NaN])).toBe('[null,null]');
  });

  it('writes documents with "Infinity" strings, NaN as null', () => {
    const text = documentJson(doc);
    expect(JSON.parse(text)).toEqual({
      name: 'Infinity',
      values: [1, 'Infinity', '-Infinity', null, null, -0.5],
      latest: { 'kl/ppo': 'Infinity' },
    });
    expect(JSON.parse(text).values.map(Number)).toEqual([1, Infinity, -Infinity, 0, 0, -0.5]);
  });

  it.skipIf(!python)('documents read back as floats in Python', () => {
    const code =
      'import json,sys; d=json.load(sys.stdin); print([float(v) if v is not None else None for v in d["values"]])';
    const r = spawnSync(python!, ['-c', code], { input: documentJson(doc), encoding: 'utf8' });
    expect(r.stdout.trim()).toBe('[1.0, inf, -inf, None, None, -0.5]');
  });

  it('round-trips API values exactly, and never mistakes a string for a number', () => {
    const back = apiParse(apiJson(doc)) as typeof doc;
    expect(back.values).toEqual([1, Infinity, -Infinity, null, null, -0.5]);
    expect(back.latest['kl/ppo']).toBe(Infinity);
    expect(back.name).toBe('Infinity');
    const lookalike = { [FLOAT_TAG]: 'Infinity', extra: 1 };
    expect(apiParse(JSON.stringify({ a: lookalike, b: { [FLOAT_TAG]: 'NaN' } }))).toEqual({
      a: lookalike,
      b: { [FLOAT_TAG]: 'NaN' },
    });
  });
});
