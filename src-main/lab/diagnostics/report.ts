/** Plain-text reports of diagnoses, for the terminal: the verdict first, then why, then what to do. */
import type {
  Advice,
  ClipBalance,
  GroupComparison,
  GroupDiagnosis,
  KeyUse,
  MeanRecent,
  RunDiagnosis,
  SweepSuggestion,
} from '../../contract/diagnostics';
import { SCALAR_LABELS } from '../../contract/diagnostics';
import { describeCrossing } from '../../contract/summary';
import { fmt, fmtPercent, fmtSigned, fmtSteps } from './format';
import { fmtAggregate } from './groups';

function runTitle(d: RunDiagnosis): string {
  const id = d.run.id === null ? '' : `run ${d.run.id} `;
  const seed = d.run.seed === null ? '' : `, seed ${d.run.seed}`;
  return `${id}"${d.run.name}" (${d.run.origin}${seed})`;
}

function collapseLines(d: RunDiagnosis): string[] {
  const c = d.collapse;
  if (c.status !== 'ok') return [`Entropy: unknown — ${c.reason}`];
  const logged = c.logEvery > 1 ? `, ${c.points} points logged about every ${fmt(c.logEvery)} steps` : '';
  return [
    `Entropy: ${c.verdict.toUpperCase()} — ${c.decidedBy}`,
    `  start ${fmt(c.start, 4)} (step ${c.startStep}), final ${fmt(c.final, 4)} (step ${c.finalStep}, ${fmtPercent(c.finalOverStart)} of start), peak ${fmt(c.peak.value, 4)} (step ${c.peak.step}) over ${fmtSteps(c.firstStep, c.lastStep)}${logged} [key "${c.key}"]`,
    `  collapse step (below ${fmtPercent(c.collapseFraction)} of start, lasting): ${describeCrossing(c.collapse, 'none')}; half-life: ${describeCrossing(c.halfLife, 'none')}`,
  ];
}

function signalLines(d: RunDiagnosis): string[] {
  return d.signals.map((s) => `Leading signal: ${s.text} [key "${s.aliasOf ?? s.key}"]`);
}

function side(name: string, m: MeanRecent | null, asPercent: boolean): string | null {
  if (!m) return null;
  const f = asPercent ? fmtPercent : fmtSigned;
  return `${name} ${f(m.mean)} (recent ${f(m.recent)})`;
}

function clipLines(clip: ClipBalance): string[] {
  const lines = [`Clip balance: ${clip.summary}`];
  const gaps = [side('clip-low', clip.lowGap, false), side('clip-high', clip.highGap, false)].filter(Boolean);
  if (gaps.length > 0) lines.push(`  surprisal gap of clipped tokens (s - H, nats): ${gaps.join(', ')}`);
  const dual = side('dual-clip', clip.dualFrac, true);
  if (dual) lines.push(`  ${dual}`);
  for (const note of clip.notes) lines.push(`  note: ${note}`);
  return lines;
}

/** "predicted -0.77 = unclipped surrogate +0.43 + net clip drift -1.2 + momentum 0 + other 0". */
export function partsLine(t: Extract<RunDiagnosis['theory'], { status: 'ok' }>): string | null {
  const p = t.parts;
  if (!p) return null;
  const terms = [
    `unclipped surrogate ${fmtSigned(p.unclipped)}`,
    `net clip drift ${fmtSigned(p.clip)}`,
    `Adam momentum ${fmtSigned(p.momentum)}`,
    `other ${fmtSigned(p.other)}`,
  ];
  return `predicted ${fmtSigned(t.predictedCum)} = ${terms.join(' + ')}`;
}

function theoryLines(d: RunDiagnosis): string[] {
  const t = d.theory;
  if (t.status !== 'ok') return [`Theory check: unavailable — ${t.reason}`];
  const parts = partsLine(t);
  return [
    `Theory check (${t.label} prediction vs measured entropy change, ${t.n} steps):`,
    `  cumulative predicted ${fmtSigned(t.predictedCum)} vs measured ${fmtSigned(t.measuredCum)} (measured/predicted ${fmt(t.cumRatio)}); r = ${fmt(t.pearson)}; slope ${fmt(t.slope)}; same sign on ${fmtPercent(t.signAgreement)}`,
    ...(parts ? [`  ${parts}`] : []),
  ];
}

function controlLines(d: RunDiagnosis): string[] {
  const s = d.control;
  if (s.status !== 'ok') return [`Random-reward control: unavailable — ${s.reason}`];
  return [
    `Random-reward control "${s.controlName}" over ${fmtSteps(s.firstStep, s.lastStep)}:`,
    `  run ${fmtSigned(s.runChange)}, control ${fmtSigned(s.controlChange)} (${fmtPercent(s.controlShare)}), reward-driven ${fmtSigned(s.rewardChange)} nats`,
  ];
}

function lawLines(d: RunDiagnosis): string[] {
  const l = d.law;
  if (l.status !== 'ok') return [`Entropy–accuracy law: unavailable — ${l.reason}`];
  const lines = [
    `Entropy–accuracy law acc = -a·exp(H) + b: a = ${fmt(l.a)}, b = ${fmt(l.b)}, R² = ${fmt(l.r2)}, n = ${l.n}; predicted accuracy at H = 0: ${fmt(l.accAtZeroEntropy)}`,
    `  entropy: ${l.entropySource} ("${l.entropyKey}"); accuracy "${l.accKey}"`,
  ];
  for (const warning of l.warnings) lines.push(`  warning: ${warning}`);
  for (const note of l.notes) lines.push(`  note: ${note}`);
  return lines;
}

function sweepLine(s: SweepSuggestion): string {
  const grid = Object.entries(s.grid).map(
    ([k, vs]) => `${k} = ${vs.map((v) => (v === null ? 'off' : fmt(v))).join(', ')}`,
  );
  const base = s.baseRunId === null ? 'from a preset' : `from run ${s.baseRunId}`;
  return `      suggested sweep ${base}: ${[...grid, `${s.seeds} seeds`].join('; ')}`;
}

function adviceLines(advice: readonly Advice[]): string[] {
  if (advice.length === 0) return ['Advice: none'];
  const lines = ['Advice:'];
  for (const a of advice) {
    lines.push(`  [${a.severity}] ${a.text}`);
    if (a.sweep) lines.push(sweepLine(a.sweep));
  }
  return lines;
}

function keyOrigin(k: KeyUse): string {
  if (k.aliasOf !== null && k.aliasOf !== k.key) return ` (alias of "${k.aliasOf}")`;
  return k.fallback ? ' (trainer key)' : '';
}

export function formatRunReport(d: RunDiagnosis): string {
  const keys = d.keys.map((k) => `${k.quantity} ← "${k.key}"${keyOrigin(k)}`).join(', ');
  return [
    `Diagnosis of ${runTitle(d)}`,
    ...collapseLines(d),
    `Entropy attribution: ${d.attribution.note}`,
    ...signalLines(d),
    ...clipLines(d.clip),
    ...theoryLines(d),
    ...controlLines(d),
    ...lawLines(d),
    ...adviceLines(d.advice),
    `Keys used: ${keys || 'none'}`,
  ].join('\n');
}

export function formatGroupReport(g: GroupDiagnosis): string {
  const verdicts = Object.entries(g.verdicts)
    .filter(([, n]) => n > 0)
    .map(([v, n]) => `${v} ${n}`)
    .join(', ');
  const lines = [`Seed group "${g.label}": ${g.n} run(s), seeds ${g.seeds.map((s) => s ?? '?').join(', ')}`];
  lines.push(`Entropy verdicts: ${verdicts || 'none'}`);
  for (const [name, agg] of Object.entries(g.scalars)) {
    if (agg.n > 0) lines.push(`  ${SCALAR_LABELS[name] ?? name}: ${fmtAggregate(agg)}`);
  }
  lines.push(...adviceLines(g.advice));
  return lines.join('\n');
}

export function formatComparisonReport(c: GroupComparison): string {
  const lines = [`Comparison: A "${c.a.label}" (n = ${c.a.n}) vs B "${c.b.label}" (n = ${c.b.n})`];
  for (const w of c.warnings) lines.push(`warning: ${w}`);
  for (const t of c.tests) lines.push(`  ${t.summary}`);
  return lines.join('\n');
}
