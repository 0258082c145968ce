/**
 * Seed groups (issue 5, item 6): every scalar diagnostic aggregated over a group's seeds, and two
 * groups compared scalar by scalar with Welch's t, its degrees of freedom and p-value, a confidence
 * interval and an effect size — and a plain warning when there are too few seeds to say anything.
 */
import {
  DEFAULT_COMPARE_SCALARS,
  SCALAR_LABELS,
  type Advice,
  type Aggregate,
  type CollapseVerdict,
  type GroupComparison,
  type GroupDiagnosis,
  type RunDiagnosis,
  type ScalarTest,
} from '../../contract/diagnostics';
import { meanAndStd } from '../../contract/summary';
import { MISSING } from '../../contract/format';
import { MIN_SEEDS } from './advice';
import { fmt } from './format';
import { cohensD, hedgesG, welchTTest } from './welch';

/** Mean ± sample std of the seeds' values, by the same arithmetic as Compare's (contract/summary.ts). */
export function aggregate(values: readonly (number | null)[]): Aggregate {
  const present = values.filter((v): v is number => v !== null && Number.isFinite(v));
  return { ...meanAndStd(present), values: [...values] };
}

export function fmtAggregate(a: Aggregate): string {
  if (a.mean === null) return `${MISSING} (n = 0)`;
  // Means in 4 significant digits and spreads in 3, as Compare and Diagnostics show them.
  return a.std === null ? `${fmt(a.mean, 4)} (n = ${a.n})` : `${fmt(a.mean, 4)} ± ${fmt(a.std)} (n = ${a.n})`;
}

function tooFewSeedsWarning(na: number, nb?: number): string {
  const ns = nb === undefined ? `n = ${na}` : `n = ${na} and ${nb}`;
  return `too few seeds to say anything (${ns}; need at least ${MIN_SEEDS} per group)`;
}

/** Advice lines most runs share, each citing one seed's numbers, plus the seed-count warning. */
function groupAdvice(runs: readonly RunDiagnosis[]): Advice[] {
  const out: Advice[] = [];
  if (runs.length < MIN_SEEDS) {
    out.push({
      id: 'too-few-seeds',
      severity: 'warning',
      text: `${tooFewSeedsWarning(runs.length)}: seed-to-seed spread can exceed the effect of the clip settings`,
      numbers: { seeds: runs.length, minSeeds: MIN_SEEDS },
    });
  }
  const byId = new Map<string, { advice: Advice; run: RunDiagnosis; count: number }>();
  for (const run of runs) {
    for (const advice of run.advice) {
      if (advice.id === 'too-few-seeds') continue;
      const seen = byId.get(advice.id);
      if (seen) seen.count++;
      else byId.set(advice.id, { advice, run, count: 1 });
    }
  }
  for (const { advice, run, count } of byId.values()) {
    if (2 * count < runs.length) continue;
    const who = run.run.seed !== null ? `seed ${run.run.seed}` : `run "${run.run.name}"`;
    const sweep = advice.sweep ? { ...advice.sweep, seeds: Math.max(advice.sweep.seeds, runs.length) } : undefined;
    out.push({
      ...advice,
      text: `in ${count} of ${runs.length} seeds (numbers from ${who}): ${advice.text}`,
      numbers: { ...advice.numbers, seedsWithThis: count, seeds: runs.length },
      ...(sweep ? { sweep } : {}),
    });
  }
  return out;
}

export function diagnoseGroupOf(runs: readonly RunDiagnosis[], label?: string): GroupDiagnosis {
  if (runs.length === 0) throw new Error('diagnoseGroup: expected at least one run');
  const names = [...new Set(runs.flatMap((r) => Object.keys(r.scalars)))];
  const ordered = [
    ...Object.keys(SCALAR_LABELS).filter((k) => names.includes(k)),
    ...names.filter((k) => !(k in SCALAR_LABELS)),
  ];
  const scalars = Object.fromEntries(ordered.map((k) => [k, aggregate(runs.map((r) => r.scalars[k] ?? null))]));
  const verdicts: Record<CollapseVerdict, number> = { collapsed: 0, collapsing: 0, stable: 0, rising: 0 };
  for (const r of runs) if (r.collapse.status === 'ok') verdicts[r.collapse.verdict]++;
  const keys = new Set(runs.map((r) => r.run.groupKey));
  return {
    label: label ?? runs[0].run.name,
    groupKey: keys.size === 1 ? runs[0].run.groupKey : null,
    runIds: runs.map((r) => r.run.id),
    seeds: runs.map((r) => r.run.seed),
    n: runs.length,
    verdicts,
    scalars,
    runs: [...runs],
    advice: groupAdvice(runs),
  };
}

function compareScalar(a: GroupDiagnosis, b: GroupDiagnosis, scalar: string): ScalarTest {
  const label = SCALAR_LABELS[scalar] ?? scalar;
  const aggA = a.scalars[scalar] ?? aggregate(a.runs.map(() => null));
  const aggB = b.scalars[scalar] ?? aggregate(b.runs.map(() => null));
  const va = aggA.values.filter((v): v is number => v !== null);
  const vb = aggB.values.filter((v): v is number => v !== null);
  const warnings: string[] = [];
  const missing = [va.length === 0 ? `"${a.label}"` : null, vb.length === 0 ? `"${b.label}"` : null].filter(Boolean);
  if (missing.length > 0) warnings.push(`not available in ${missing.join(' or ')}`);
  else if (va.length < MIN_SEEDS || vb.length < MIN_SEEDS) warnings.push(tooFewSeedsWarning(va.length, vb.length));
  const welch = missing.length > 0 ? null : welchTTest(va, vb);
  if (typeof welch === 'string') warnings.push(`no test: ${welch}`);
  const test = typeof welch === 'string' ? null : welch;
  const g = hedgesG(va, vb);
  const head = `${label}: ${fmtAggregate(aggA)} vs ${fmtAggregate(aggB)}`;
  const stats = test
    ? `; difference ${fmt(test.difference)} [95% CI ${fmt(test.ci95[0])}, ${fmt(test.ci95[1])}], Welch t = ${fmt(test.t)}, df = ${fmt(test.df)}, p = ${fmt(test.p)}, Hedges' g = ${fmt(g)}`
    : '';
  return {
    scalar,
    label,
    a: aggA,
    b: aggB,
    difference: aggA.mean !== null && aggB.mean !== null ? aggA.mean - aggB.mean : null,
    ci95: test?.ci95 ?? null,
    t: test?.t ?? null,
    df: test?.df ?? null,
    p: test?.p ?? null,
    cohenD: cohensD(va, vb),
    hedgesG: g,
    warnings,
    summary: warnings.length > 0 ? `${head}${stats} — ${warnings.join('; ')}` : `${head}${stats}`,
  };
}

export function compareGroups(
  a: GroupDiagnosis,
  b: GroupDiagnosis,
  scalars: readonly string[] = DEFAULT_COMPARE_SCALARS,
): GroupComparison {
  const warnings: string[] = [];
  if (a.n < MIN_SEEDS || b.n < MIN_SEEDS) warnings.push(tooFewSeedsWarning(a.n, b.n));
  if (a.groupKey !== null && a.groupKey === b.groupKey)
    warnings.push('both groups share one config: seeds of the same experiment');
  return {
    a: { label: a.label, n: a.n, runIds: a.runIds },
    b: { label: b.label, n: b.n, runIds: b.runIds },
    tests: scalars.map((s) => compareScalar(a, b, s)),
    warnings,
  };
}
