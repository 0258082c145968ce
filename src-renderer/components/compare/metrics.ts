/** The metric choices of the Compare view: every key the selected runs logged, canonical keys first. */
import { METRIC, type MetricKeyInfo } from '../../../src-main/contract';

/** A figure draws at most this many metrics (figure spec). */
export const MAX_METRICS = 8;

export interface MetricChoice {
  key: string;
  /** Selected runs that logged the key. */
  runs: number;
}

const CANONICAL: readonly string[] = Object.values(METRIC);

/** Union of the runs' keys with how many runs logged each: canonical keys in design order, then the rest by name. */
export function metricChoices(keysPerRun: readonly (readonly MetricKeyInfo[])[]): MetricChoice[] {
  const counts = new Map<string, number>();
  for (const keys of keysPerRun)
    for (const k of new Set(keys.map((i) => i.key))) counts.set(k, (counts.get(k) ?? 0) + 1);
  const rank = (key: string) => {
    const i = CANONICAL.indexOf(key);
    return i < 0 ? CANONICAL.length : i;
  };
  return [...counts]
    .map(([key, runs]) => ({ key, runs }))
    .sort((a, b) => rank(a.key) - rank(b.key) || a.key.localeCompare(b.key));
}

/** The metrics shown before the user picks: entropy when logged, else the first choice. */
export function defaultMetrics(choices: readonly MetricChoice[]): string[] {
  if (choices.some((c) => c.key === METRIC.entropy)) return [METRIC.entropy];
  return choices.length > 0 ? [choices[0].key] : [];
}
