/**
 * Which entropy-attribution charts the Run view draws (issue 13): a local run those of its configured
 * method, an import those its keys hold, never the exact prediction and the logit-space estimate
 * side by side under one name.
 */
import { describe, expect, it } from 'vitest';
import { runConfigSchema, type MetricKeyInfo } from '../../src-main/contract';
import { chartsFor } from '../../src-renderer/views/run/charts';

const ids = (charts: { id: string }[]) => charts.map((c) => c.id);
const local = (method: 'exact' | 'logit' | 'off') => runConfigSchema.parse({ attribution: { method } });
const keys = (...names: string[]): MetricKeyInfo[] =>
  names.map((key) => ({ key, count: 10, firstStep: 0, lastStep: 9 }));

describe('run charts of the entropy attribution', () => {
  it('follow a local run’s attribution method', () => {
    const exact = ids(chartsFor(null, local('exact')));
    expect(exact).toEqual(['entropy', 'reward', 'clip-fractions', 'clip-drift', 'entropy-change', 'kl']);
    expect(ids(chartsFor(null, local('logit')))).toEqual([
      'entropy',
      'reward',
      'clip-fractions',
      'clip-drift-logit',
      'entropy-change-logit',
      'kl',
    ]);
    expect(ids(chartsFor(null, local('off')))).toEqual(['entropy', 'reward', 'clip-fractions', 'kl']);
    const titles = chartsFor(null, local('exact')).map((c) => c.title);
    expect(titles).toContain('Entropy change: measured and predicted (exact)');
  });

  it('follow an import’s keys: exact when it has them, else the estimate', () => {
    const probe = chartsFor(keys('entropy', 'entropy/delta', 'entropy/delta_pred', 'entropy/delta_pred_logit'));
    expect(ids(probe)).toEqual(['entropy', 'entropy-change']);
    const estimate = chartsFor(keys('entropy/delta', 'entropy/delta_pred_logit', 'clip/low_drift_logit'));
    expect(ids(estimate)).toEqual(['clip-drift-logit', 'entropy-change-logit']);
    expect(estimate[0].metrics).toEqual(['clip/low_drift_logit']);
  });
});
