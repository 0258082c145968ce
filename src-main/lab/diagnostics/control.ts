/**
 * Random-reward control split (issue 5, item 4). The control is the run's twin (same config and
 * seed) with rewards drawn Bernoulli(p) independently of the response, so any entropy change it shows
 * comes from clipping and the optimizer; the rest of the run's change is attributed to the reward.
 * Changes are final minus start (the last and first logged values, contract/summary.ts) over the
 * steps both runs cover.
 */
import type { RunConfig } from '../../contract/config';
import type { ControlSplit, Section } from '../../contract/diagnostics';
import { canonicalJson } from '../../contract/identity';
import { fmt } from './format';
import type { ResolvedSeries } from './keys';
import { indexAtOrBefore, pointsBetween } from './series';

export interface ControlSide {
  id: number | null;
  name: string;
  entropy: ResolvedSeries | null;
  config: RunConfig | null;
}

function flattenJson(value: unknown, prefix: string, out: Map<string, string>): Map<string, string> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flattenJson(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.set(prefix, canonicalJson(value));
  }
  return out;
}

/** Config paths where the control differs from the run, other than the reward (name and log cadence do not matter). */
export function controlMismatches(run: RunConfig, control: RunConfig): string[] {
  const a = flattenJson({ ...run, name: '', reward: null, log: null }, '', new Map());
  const b = flattenJson({ ...control, name: '', reward: null, log: null }, '', new Map());
  const paths = [...new Set([...a.keys(), ...b.keys()])].sort();
  const out = paths
    .filter((p) => a.get(p) !== b.get(p))
    .map((p) => `${p}: run ${a.get(p) ?? 'unset'}, control ${b.get(p) ?? 'unset'}`);
  if (control.reward.kind !== 'bernoulli')
    out.push(`reward.kind: control uses "${control.reward.kind}", expected "bernoulli"`);
  return out;
}

/** Final minus start: the last minus the first logged value. */
function change(values: readonly number[]): number {
  return values[values.length - 1] - values[0];
}

export function splitByControl(run: ControlSide, control: ControlSide | null): Section<ControlSplit> {
  if (!control) return { status: 'unavailable', reason: 'no random-reward control run for this run' };
  if (!run.entropy || !control.entropy) {
    const which = run.entropy ? `control "${control.name}"` : 'run';
    return { status: 'unavailable', reason: `the ${which} has no entropy series` };
  }
  const first = Math.max(run.entropy.points.steps[0], control.entropy.points.steps[0]);
  const last = Math.min(run.entropy.points.steps.at(-1) as number, control.entropy.points.steps.at(-1) as number);
  const r = pointsBetween(run.entropy.points, first, last);
  const c = pointsBetween(control.entropy.points, first, last);
  if (r.steps.length < 2 || c.steps.length < 2) {
    return {
      status: 'unavailable',
      reason: `run and control share too few steps (${fmt(first)}–${fmt(last)}: ${r.steps.length} and ${c.steps.length} points)`,
    };
  }
  const runChange = change(r.values);
  const controlChange = change(c.values);
  const controlAt = r.steps.map((s) => {
    const j = indexAtOrBefore(c, s);
    return j >= 0 ? c.values[j] : c.values[0];
  });
  return {
    status: 'ok',
    controlId: control.id,
    controlName: control.name,
    key: run.entropy.key,
    firstStep: first,
    lastStep: last,
    runChange,
    controlChange,
    rewardChange: runChange - controlChange,
    controlShare: Math.abs(runChange) < 1e-12 ? null : controlChange / runChange,
    mismatches: run.config && control.config ? controlMismatches(run.config, control.config) : null,
    series: { steps: r.steps, run: r.values, control: controlAt, difference: r.values.map((v, i) => v - controlAt[i]) },
  };
}
