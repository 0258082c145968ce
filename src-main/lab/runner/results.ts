/** Numbers read back from a run's stored metrics. */
import { METRIC } from '../../contract';
import type { LabContext } from '../context';

/** The last value of every metric the run logged (`train --json`'s "final"). */
export function finalMetrics(ctx: LabContext, runId: number): Record<string, number | null> {
  const keys = ctx.store.metricKeys(runId).map((k) => k.key);
  return ctx.store.getRun(runId, keys)?.latest ?? {};
}

/** Mean of the run's `reward/mean` over its steps: the success rate its control should match. */
export function meanReward(ctx: LabContext, runId: number): number | null {
  const [series] = ctx.store.series(runId, [METRIC.rewardMean]);
  const values = series.values.filter((v): v is number => v !== null);
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}
