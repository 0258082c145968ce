/**
 * The regime study of `npm run reproduce` (issue 13, item 6): when does symmetric 0.2/0.2 clipping
 * lower entropy on the small GPT under random rewards? One factor at a time away from the
 * gpt-random-sym preset (starting entropy, plausible tokens per position, optimizer, lr, updates per
 * rollout, response length), each cell a seed group trained through the lab's run queue, beside the
 * same cell with clipping off (gpt-random-no-clip) as its control. Per cell: start and final entropy
 * with Welch's t over the seeds, the final entropy of the unclipped control with Welch's t of the two
 * groups' finals (the clip's own effect beyond the unclipped drift), and the exact attribution of the
 * change. Pure apart from the cell list: summaries in, table lines out.
 */
import { sidesVerdict, type GroupAttribution } from './attribution';
import { fmt, welchP, type GroupSummary } from './summary';
import { labelledRunIds } from './runs';

export interface RegimeCell {
  id: string;
  /** The factor the cell moves, and how. */
  factor: string;
  label: string;
  /** Overrides of gpt-random-sym (beside REGIME_COMMON). */
  sets: string[];
}

/** Shorter runs than the reproduction's (no evaluation), every 5th step attributed. */
export const REGIME_COMMON = ['steps=40', 'eval.every=0', 'attribution.every=5'];

export const REGIME_PRESET = 'gpt-random-sym';
/** The control of every cell: the same overrides with both clips off (eps_low = 1, no eps_high). */
export const REGIME_CONTROL_PRESET = 'gpt-random-no-clip';

/**
 * The cells, the base model's training first: how far the base is from uniform decides the sign of the
 * updates' second-order (noise) drift, which outweighs the clip's first-order drift on this GPT.
 */
export const REGIME_CELLS: readonly RegimeCell[] = [
  { id: 'base', factor: 'none (the preset)', label: 'Adam 3e-4, 8 updates, T = 1', sets: [] },
  {
    id: 'base300',
    factor: 'starting entropy',
    label: 'base model stopped after 300 supervised steps',
    sets: ['policy.base.steps=300'],
  },
  {
    id: 'base50',
    factor: 'starting entropy',
    label: 'base model stopped after 50 supervised steps',
    sets: ['policy.base.steps=50'],
  },
  { id: 't2', factor: 'starting entropy', label: 'rollout temperature 2', sets: ['rollout.temperature=2'] },
  {
    id: 'noise',
    factor: 'plausible tokens per position',
    label: 'base model label noise 0.6',
    sets: ['policy.base.labelNoise=0.6'],
  },
  {
    id: 'add1',
    factor: 'contexts revisited',
    label: '1-digit addition (100 prompts)',
    sets: ['task.size=1'],
  },
  { id: 'sgd', factor: 'optimizer', label: 'SGD lr 0.1', sets: ['optim.optimizer=sgd', 'optim.lr=0.1'] },
  { id: 'lr', factor: 'learning rate', label: 'Adam lr 1e-3', sets: ['optim.lr=0.001'] },
  { id: 'updates', factor: 'updates per rollout', label: '4 epochs x 4 = 16 updates', sets: ['optim.epochs=4'] },
  { id: 'long', factor: 'response length', label: '5-digit addition (up to 7 tokens)', sets: ['task.size=5'] },
];

/** A cell's stored runs as given on the command line: its 0.2/0.2 runs and its unclipped control's. */
export interface RegimeRuns {
  cell: RegimeCell;
  ids: number[];
  controlIds: number[] | null;
}

function cellRuns(text: string, flag: string): { cell: RegimeCell; ids: number[] } {
  const { label: id, ids } = labelledRunIds(text, flag, 'CELL');
  const cell = REGIME_CELLS.find((c) => c.id === id);
  if (!cell)
    throw new Error(`--${flag}: unknown cell "${id}"; expected one of ${REGIME_CELLS.map((c) => c.id).join(', ')}`);
  return { cell, ids };
}

/**
 * The `--regime "CELL=ID,..."` and `--regime-control "CELL=ID,..."` arguments of
 * scripts/reproduce-groups.ts, paired by cell; a control without its cell's runs is an error.
 */
export function regimeRuns(regime: readonly string[], controls: readonly string[]): RegimeRuns[] {
  const control = new Map<string, number[]>();
  for (const text of controls) {
    const { cell, ids } = cellRuns(text, 'regime-control');
    if (control.has(cell.id)) throw new Error(`--regime-control: cell "${cell.id}" given twice`);
    control.set(cell.id, ids);
  }
  const runs = regime.map((text) => {
    const { cell, ids } = cellRuns(text, 'regime');
    return { cell, ids, controlIds: control.get(cell.id) ?? null };
  });
  const unmatched = [...control.keys()].filter((id) => !runs.some((r) => r.cell.id === id));
  if (unmatched.length) throw new Error(`--regime-control: no --regime runs for cell(s) ${unmatched.join(', ')}`);
  return runs;
}

export interface RegimeRow {
  cell: RegimeCell;
  summary: GroupSummary;
  attribution: GroupAttribution | null;
  /** The same cell with clipping off, when it was run. */
  control: GroupSummary | null;
}

/** Welch's p of final against start entropy, and what it says at the 5% level. */
export function regimeVerdict(s: GroupSummary): { p: number | null; verdict: string } {
  const p = welchP(s.finals, s.starts);
  if (p === null || p >= 0.05) return { p, verdict: 'no significant change' };
  return { p, verdict: s.final.mean < s.start.mean ? '**lowers entropy**' : 'raises entropy' };
}

/**
 * The clip's own effect: Welch's p of the 0.2/0.2 seeds' final entropy against the unclipped
 * control's, and what it says at the 5% level.
 */
export function clipEffect(s: GroupSummary, control: GroupSummary | null): { p: number | null; verdict: string } {
  if (!control) return { p: null, verdict: 'no control' };
  const p = welchP(s.finals, control.finals);
  if (p === null || p >= 0.05) return { p, verdict: 'no significant difference' };
  return { p, verdict: s.final.mean < control.final.mean ? '**clipping lowers it**' : 'clipping raises it' };
}

const sig = (x: number) => (Number.isFinite(x) ? x.toPrecision(3) : 'n/a');
const fmtP = (p: number | null) => (p === null ? 'n/a' : p < 0.001 ? p.toExponential(1) : p.toFixed(3));

function row(r: RegimeRow): string {
  const { summary: s, attribution: a } = r;
  const { p, verdict } = regimeVerdict(s);
  const effect = clipEffect(s, r.control);
  const clip = a ? sig(a.low.mean + a.high.mean + a.dual.mean) : 'n/a';
  return [
    r.cell.factor,
    r.cell.label,
    String(s.start.n),
    fmt(s.start),
    fmt(s.final),
    fmt(s.change),
    fmtP(p),
    verdict,
    r.control ? fmt(r.control.final) : 'n/a',
    fmtP(effect.p),
    effect.verdict,
    a ? sig(a.measured.mean) : 'n/a',
    a ? sig(a.predicted.mean) : 'n/a',
    a ? sig(a.unclipped.mean) : 'n/a',
    clip,
    a ? sig(a.momentum.mean) : 'n/a',
    a ? fmt(a.highToLow, 2) : 'n/a',
    a ? sidesVerdict(a) : 'n/a',
  ].join(' | ');
}

/** The regime section of docs/results.md. `figure` is the exported figure's path relative to it. */
export function regimeLines(rows: readonly RegimeRow[], figure: string | null, command: string | null): string[] {
  if (rows.length === 0) return [];
  const lowering = rows.filter((r) => regimeVerdict(r.summary).verdict.includes('lowers'));
  const answer =
    lowering.length === 0
      ? `None of the ${rows.length} settings lowered entropy significantly at 0.2/0.2 (Welch's t of final against start entropy, p < 0.05).`
      : `0.2/0.2 lowered entropy significantly (p < 0.05) with: ${lowering.map((r) => r.cell.label).join('; ')}.`;
  const controlled = rows.filter((r) => r.control);
  const clipLowers = controlled.filter((r) => clipEffect(r.summary, r.control).verdict.includes('lowers'));
  const effect =
    controlled.length === 0
      ? []
      : [
          clipLowers.length === 0
            ? `Against the same cell without clipping, 0.2/0.2 did not end significantly lower in any of the ${controlled.length} controlled settings.`
            : `Against the same cell without clipping, 0.2/0.2 ended significantly lower (p < 0.05) with: ${clipLowers.map((r) => r.cell.label).join('; ')}.`,
          '',
        ];
  return [
    '## When does 0.2/0.2 lower entropy on a small GPT?',
    '',
    `Random rewards, eps 0.2/0.2, settings away from the \`${REGIME_PRESET}\` preset; every run ` +
      `${REGIME_COMMON.map((s) => `\`${s}\``).join(', ')}. Start and final entropy as above, p from Welch's t of the`,
    "seeds' final against their start entropy. The control is the same cell with clipping off",
    `(\`${REGIME_CONTROL_PRESET}\`, same seeds); p vs no clip is Welch's t of the two groups' final entropy. The`,
    "attribution columns are sums over each run's attributed steps (mean over seeds): measured change, exact",
    'prediction, and its parts (unclipped surrogate, net clip drift = clip-low + clip-high, Adam momentum);',
    'high/low and the sides test as in the attribution tables above.',
    '',
    answer,
    '',
    ...effect,
    '| factor | setting | n | start entropy | final entropy | change | p | 0.2/0.2 | no clip: final | p vs no clip | clip effect | measured | predicted | unclipped | net clip drift | momentum | high/low | sides |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${row(r)} |`),
    '',
    ...(figure ? [`![Entropy of every regime cell (mean ± std over seeds)](${figure})`, ''] : []),
    ...(command ? ['The figure was exported by cliplab itself:', '', '```sh', command, '```', ''] : []),
  ];
}
