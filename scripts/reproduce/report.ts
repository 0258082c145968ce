/**
 * The text of `docs/results.md` (issue 4, item 6), from the numbers `npm run reproduce` measured.
 * Pure: summaries, claims and facts about the machine in, markdown out.
 */
import type { RunConfig } from '../../src-main/contract';
import { sidesVerdict, type GroupAttribution } from './attribution';
import { regimeLines, type RegimeRow } from './regime';
import { fmt, type Claim, type GroupSummary, type Stat } from './summary';

export interface Machine {
  cpu: string;
  cores: number;
  platform: string;
  node: string;
  backends: string;
}

/** One policy's random-reward comparison: a row per clip setting. */
export interface Section {
  title: string;
  /** The config the family shares (one of its runs'), described in a line under the title. */
  config: RunConfig;
  rows: { summary: GroupSummary; verdicts: string; attribution: GroupAttribution | null }[];
}

/** What the base model of the true-reward runs measured when it was built (engine/base-model.ts). */
export interface BaseModelFacts {
  /** Greedy accuracy, pass@k and entropy on the runs' own evaluation. */
  acc: number;
  passAtK: number;
  entropy: number;
  /** Supervised steps it was trained for. */
  steps: number | null;
}

export interface TrueRewardGroup {
  summary: GroupSummary;
  config: RunConfig;
  base: BaseModelFacts | null;
  /** pass@k and eval entropy at the first and the last evaluation. */
  passAtK: { start: Stat; final: Stat };
  evalEntropy: { start: Stat; final: Stat };
}

export interface ReportInput {
  date: string;
  quick: boolean;
  machine: Machine;
  runs: number;
  seeds: number;
  trueSeeds: number;
  parallel: number;
  minutes: number;
  overrides: string[];
  sections: Section[];
  claims: Claim[];
  trueReward: TrueRewardGroup[];
  /** The regime study's cells (empty when it was skipped), its figure (relative path) and command. */
  regime: RegimeRow[];
  regimeFigure: string | null;
  regimeCommand: string | null;
  unfinished: string[];
}

const pct = (s: Stat) => (Number.isFinite(s.mean) ? `${(100 * s.mean).toFixed(2)}` : 'n/a');
const num = (x: number, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');

/** The settings a family's runs share, in one line (the clip settings vary per row). */
export function configLine(c: RunConfig): string {
  const policy =
    c.policy.kind === 'gpt'
      ? `GPT d${c.policy.dModel} x ${c.policy.layers} layers (base: ${c.policy.base.labelNoise} label noise, ` +
        `stop at greedy acc ${c.policy.base.targetAcc ?? 'none'}, seed ${c.policy.base.seed})`
      : c.policy.kind === 'tabular'
        ? `tabular softmax (logits ~ N(0, ${c.policy.logitStd}^2))`
        : `${c.policy.path} (${c.policy.finetune === 'lora' ? `LoRA r${c.policy.lora.rank}` : 'full fine-tuning'})`;
  const task =
    c.task.kind === 'bandit'
      ? `bandit ${c.task.prompts} x ${c.task.actions}`
      : c.task.kind === 'dataset'
        ? `${c.task.format} problems from ${c.task.path}`
        : `${c.task.kind} size ${c.task.size}`;
  return (
    `${task}; ${policy}; ${c.steps} steps of ${c.rollout.prompts} prompts x ${c.rollout.groupSize} responses ` +
    `at temperature ${c.rollout.temperature}; ${c.optim.optimizer} lr ${c.optim.lr}, ${c.optim.epochs} epochs x ` +
    `${c.optim.minibatches} minibatches = ${c.optim.epochs * c.optim.minibatches} updates per rollout; ` +
    `${c.objective.aggregation} loss.`
  );
}

export function sectionLines(s: Section): string[] {
  const rows = s.rows.map(({ summary: g, verdicts }) =>
    [
      g.label,
      String(g.start.n),
      fmt(g.start),
      fmt(g.final),
      fmt(g.change),
      pct(g.lowFrac),
      pct(g.highFrac),
      fmt(g.driftRatio, 2),
      g.trajectory.map((x) => num(x)).join(' → '),
      verdicts,
    ].join(' | '),
  );
  return [
    `## ${s.title}`,
    '',
    configLine(s.config),
    '',
    '| eps_low / eps_high | n | start entropy | final entropy | change | clip-low % | clip-high % | high/low drift | entropy at 0, 25, 50, 75, 100% | diagnosis |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r} |`),
    '',
  ];
}

/** A signed mean ± std with enough digits for entropy changes of 1e-3..1. */
const sci = (s: Stat) => (Number.isFinite(s.mean) ? `${s.mean.toPrecision(3)} ± ${s.std.toPrecision(2)}` : 'n/a');

function attributionRow(label: string, a: GroupAttribution): string {
  return [
    label,
    String(a.n),
    a.steps.mean.toFixed(0),
    sci(a.measured),
    sci(a.predicted),
    fmt(a.ratio, 2),
    fmt(a.pearson, 2),
    fmt(a.signAgreement, 2),
    sci(a.unclipped),
    sci(a.low),
    sci(a.high),
    sci(a.momentum),
    sci(a.other),
    fmt(a.conditioning, 1),
    fmt(a.highToLow, 2),
    sidesVerdict(a),
  ].join(' | ');
}

/**
 * The exact attribution of one policy's groups, and what it says about 0.2/0.2: which side pushed
 * harder, how well the prediction tracked the measurement, and where the rest of the change came from.
 */
export function attributionLines(s: Section): string[] {
  const rows = s.rows.filter((r) => r.attribution !== null);
  if (rows.length === 0) return [];
  const every = s.config.attribution.method === 'exact' ? s.config.attribution.every : null;
  const cadence = every === null ? 'not computed' : every === 1 ? 'every step' : `every ${every}th step`;
  const { rule } = s.config.attribution;
  const order = { simpson: 'fourth-order (Simpson)', trapezoid: 'second-order (trapezoid)', tangent: 'first-order' }[
    rule
  ];
  const perUpdate = {
    simpson: '⅙ <grad H(theta) + 4 grad H(theta + d theta / 2) + grad H(theta + d theta), d theta> per update',
    trapezoid: '½ <grad H(theta) + grad H(theta + d theta), d theta> per update',
    tangent: '<grad H, d theta> per update',
  }[rule];
  const lines = [
    `### ${s.title}: exact ${order} attribution (${cadence})`,
    '',
    "Sums over each run's attributed steps, mean ± std over seeds: measured Σ entropy/delta and predicted Σ entropy/delta_pred",
    `(exact ${perUpdate}); r and same sign compare them step by step. The prediction splits into the unclipped`,
    "surrogate, the clip-low and clip-high drifts (the change each side's clipping caused), Adam momentum carried from earlier",
    "updates and the rest (dual clip, regularisers: 0 here). Σ|parts| / |pred| is the median step's sum of part sizes over its",
    'prediction (1 when the parts agree in sign; large when they cancel). The last column tests |clip-high drift| against',
    '|clip-low drift| over the seeds.',
    '',
    '| eps_low / eps_high | n | steps/run | measured | predicted | measured/predicted | r | same sign | unclipped | clip-low drift | clip-high drift | momentum | other | Σ\\|parts\\| / \\|pred\\| | high/low | sides |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${attributionRow(r.summary.label, r.attribution!)} |`),
    '',
  ];
  return lines;
}

export const claimVerdict = (c: Claim) =>
  `${c.holds ? 'holds' : 'does not hold'}${c.withinNoise ? ', within noise' : ''}`;

const baseCell = (t: TrueRewardGroup, key: 'acc' | 'passAtK' | 'entropy') => (t.base ? num(t.base[key], 3) : 'n/a');

function trueRewardLines(t: TrueRewardGroup): string[] {
  const g = t.summary;
  const base = t.base ? `${t.base.steps ?? '?'} supervised steps` : 'not found in the store';
  return [
    `### ${g.label} (${g.start.n} seeds)`,
    '',
    configLine(t.config),
    '',
    `| | base model | first evaluation (after step 0) | last evaluation |`,
    '|---|---|---|---|',
    `| greedy accuracy (eval/acc) | ${baseCell(t, 'acc')} | ${fmt(g.evalAccStart)} | ${fmt(g.evalAccFinal)} |`,
    `| pass@${t.config.eval.k} (eval/pass@k) | ${baseCell(t, 'passAtK')} | ${fmt(t.passAtK.start)} | ${fmt(t.passAtK.final)} |`,
    `| eval entropy (eval/entropy) | ${baseCell(t, 'entropy')} | ${fmt(t.evalEntropy.start)} | ${fmt(t.evalEntropy.final)} |`,
    `| rollout entropy | ${fmt(g.start)} (step 0) | | ${fmt(g.final)} (last 5% of steps) |`,
    '',
    `Base model: ${base}. Its column is the base model evaluated exactly as the runs evaluate (same ` +
      `${t.config.eval.prompts} held-out prompts, greedy and ${t.config.eval.k} samples at temperature ${t.config.rollout.temperature}).`,
    '',
  ];
}

export function renderReport(r: ReportInput): string {
  const m = r.machine;
  const lines = [
    '# Reproduction: clipping and entropy under random rewards',
    '',
    `Made by \`npm run reproduce\`${r.quick ? ' --quick (a smoke run: too short to show the effects)' : ''} on ${r.date}.`,
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.platform}, Node ${m.node}; backend ${m.backends}.`,
    `${r.runs} runs (${r.seeds} seeds per random-reward setting, ${r.trueSeeds} per true-reward one), at most ${r.parallel} at once; wall time ${r.minutes.toFixed(1)} minutes.`,
    `Overrides: ${r.overrides.join(' ') || 'none'}.`,
    '',
    "Start is the rollout entropy at step 0 (the starting policy); final is the mean over each run's last 5% of steps;",
    'change is final − start per run. Every cell is mean ± sample std over the n seeds. Clip fractions are shares of',
    'response tokens clipped per update, averaged over the run. High/low drift is |Σ clip-high drift| / |Σ clip-low drift|,',
    'the first-order entropy push of each side (research/paper.md): above 1 means clip-high pushes harder. Diagnosis counts',
    "the collapse verdicts of the lab's diagnostics over the seeds.",
    '',
  ];
  for (const s of r.sections) lines.push(...sectionLines(s));
  lines.push('## Entropy attribution', '');
  for (const s of r.sections) lines.push(...attributionLines(s));
  lines.push('## The claims', '', '| claim | verdict | numbers |', '|---|---|---|');
  lines.push(...r.claims.map((c) => `| ${c.text} | **${claimVerdict(c)}** | ${c.evidence} |`), '');
  lines.push(
    '"Within noise": the gap that decides the claim is smaller than the larger seed-to-seed standard deviation of',
    'the groups compared (for start vs final, smaller than the std of the change), so 3 seeds cannot settle it.',
    '',
  );
  lines.push(...regimeLines(r.regime, r.regimeFigure, r.regimeCommand));
  if (r.trueReward.length > 0) {
    lines.push('## True rewards (exact-match verifier)', '');
    for (const t of r.trueReward) lines.push(...trueRewardLines(t));
  }
  if (r.unfinished.length > 0) lines.push(`Runs that did not complete: ${r.unfinished.join('; ')}`, '');
  return lines.join('\n');
}
