/**
 * The numbers `npm run reproduce` reports, from each run's stored series: start and final entropy
 * per clip setting (mean ± std over seeds), clip fractions, and the paper's claims checked against
 * them with Welch's t over the seeds (issue 4, item 6; issue 13). Pure: series in, numbers and
 * verdicts out.
 */
import { welchTTest } from '../../src-main/lab/diagnostics/welch';

export interface RunSeries {
  entropy: (number | null)[];
  lowFrac: (number | null)[];
  highFrac: (number | null)[];
  evalAcc: (number | null)[];
  /** First-order entropy change from clip-low / clip-high per step (research/paper.md, drift_low / drift_high). */
  lowDrift: (number | null)[];
  highDrift: (number | null)[];
}

export interface Stat {
  mean: number;
  std: number;
  n: number;
}

export interface GroupSummary {
  /** The preset the group ran, e.g. `gpt-random-sym`. */
  preset: string;
  label: string;
  start: Stat;
  final: Stat;
  change: Stat;
  lowFrac: Stat;
  highFrac: Stat;
  /** Greedy held-out accuracy at the first and the last evaluation. */
  evalAccStart: Stat;
  evalAccFinal: Stat;
  /** |cumulative clip-high drift| / |cumulative clip-low drift| per run (runs where clip-low drifted at all). */
  driftRatio: Stat;
  /** Mean entropy over seeds at 0, 25, 50, 75 and 100% of the run (each point a 5% window, see levelAt). */
  trajectory: number[];
  /** Each seed's start and final entropy, for Welch's t. */
  starts: number[];
  finals: number[];
}

export interface Claim {
  text: string;
  holds: boolean;
  /** The gap that decides the claim is smaller than the seeds' spread. */
  withinNoise: boolean;
  /** Two-sided p-value of Welch's t on the compared per-seed values; null when it cannot be computed. */
  p: number | null;
  evidence: string;
}

const finite = (xs: readonly (number | null)[]): number[] =>
  xs.filter((x): x is number => x !== null && Number.isFinite(x));

/** Mean and sample standard deviation (0 for one value; NaN for none). */
export function stat(xs: readonly number[]): Stat {
  const n = xs.length;
  const mean = n === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / n;
  const std = n < 2 ? 0 : Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1));
  return { mean, std, n };
}

/**
 * Level of a series around a point of the run: the mean of the `window` share of its points that
 * ends at `at` (0 = the first point, 1 = the last).
 */
export function levelAt(xs: readonly (number | null)[], at: number, window = 0.05): number {
  const v = finite(xs);
  if (v.length === 0) return NaN;
  const k = Math.max(1, Math.round(v.length * window));
  const end = Math.max(k, Math.round(at * v.length));
  return stat(v.slice(end - k, end)).mean;
}

/** |sum of clip-high drift| / |sum of clip-low drift|: above 1 when clip-high pushes entropy harder. */
export function driftRatio(run: RunSeries): number {
  const total = (xs: readonly (number | null)[]) => finite(xs).reduce((a, b) => a + b, 0);
  const low = Math.abs(total(run.lowDrift));
  return low > 0 ? Math.abs(total(run.highDrift)) / low : NaN;
}

/** Level at the end of a series: the mean of its last `fraction` of points, which smooths step noise. */
export const finalLevel = (xs: readonly (number | null)[], fraction = 0.05): number => levelAt(xs, 1, fraction);

const TRAJECTORY_POINTS = [0, 0.25, 0.5, 0.75, 1];

export function summarize(preset: string, label: string, runs: readonly RunSeries[]): GroupSummary {
  const of = (f: (r: RunSeries) => number) => stat(runs.map(f).filter(Number.isFinite));
  const first = (xs: readonly (number | null)[]) => finite(xs)[0] ?? NaN;
  const mean = (xs: readonly (number | null)[]) => stat(finite(xs)).mean;
  return {
    preset,
    label,
    start: of((r) => first(r.entropy)),
    final: of((r) => finalLevel(r.entropy)),
    change: of((r) => finalLevel(r.entropy) - first(r.entropy)),
    lowFrac: of((r) => mean(r.lowFrac)),
    highFrac: of((r) => mean(r.highFrac)),
    evalAccStart: of((r) => first(r.evalAcc)),
    evalAccFinal: of((r) => finite(r.evalAcc).at(-1) ?? NaN),
    driftRatio: of(driftRatio),
    trajectory: TRAJECTORY_POINTS.map((at) => of((r) => (at === 0 ? first(r.entropy) : levelAt(r.entropy, at))).mean),
    starts: runs.map((r) => first(r.entropy)).filter(Number.isFinite),
    finals: runs.map((r) => finalLevel(r.entropy)).filter(Number.isFinite),
  };
}

/** Welch's two-sided p of mean(a) - mean(b); null when it cannot be computed (too few seeds, no spread). */
export function welchP(a: readonly number[], b: readonly number[]): number | null {
  const result = welchTTest(a, b);
  return typeof result === 'string' ? null : result.p;
}

const fmtP = (p: number | null) => (p === null ? '' : `; Welch p = ${p < 0.001 ? p.toExponential(1) : p.toFixed(3)}`);

export const fmt = (s: Stat, digits = 3) =>
  Number.isFinite(s.mean) ? `${s.mean.toFixed(digits)} ± ${s.std.toFixed(digits)}` : 'n/a';

/** Which clip side's first-order entropy push was larger over the group's runs, when they agree. */
function pusher(s: GroupSummary): string {
  const r = s.driftRatio;
  if (!Number.isFinite(r.mean) || r.n === 0) return '';
  if (r.mean - r.std > 1) return ' (clip-high pushed harder)';
  if (r.mean + r.std < 1) return ' (clip-low pushed harder)';
  return ' (the two sides pushed about equally)';
}

interface ClaimRule {
  text: string;
  /** Clip-setting ids (contract CLIP_SETTINGS) of the two groups compared (the same id for start vs final). */
  a: string;
  b: string;
  /** The per-seed values Welch's t compares. */
  samples(a: GroupSummary, b: GroupSummary): [number[], number[]];
  holds(a: GroupSummary, b: GroupSummary): boolean;
  evidence(a: GroupSummary, b: GroupSummary): string;
}

/** What the paper says happens under random rewards (research/paper.md; issue 4, item 6). */
const RANDOM_REWARD_RULES: readonly ClaimRule[] = [
  {
    text: '0.2/0.2 lowers entropy',
    a: 'sym',
    b: 'sym',
    samples: (s) => [s.finals, s.starts],
    holds: (s) => s.final.mean < s.start.mean,
    // The paper's mechanism: at 0.2/0.2 clip-high's entropy push outweighs clip-low's (ratio above 1).
    evidence: (s) => `start ${fmt(s.start)}, final ${fmt(s.final)}; high/low drift ${fmt(s.driftRatio, 2)}${pusher(s)}`,
  },
  {
    text: 'clip-high alone lowers it more than 0.2/0.2',
    a: 'clip-high-only',
    b: 'sym',
    samples: (h, s) => [h.finals, s.finals],
    holds: (h, s) => h.final.mean < s.final.mean,
    evidence: (h, s) => `clip-high only ${fmt(h.final)} vs 0.2/0.2 ${fmt(s.final)}`,
  },
  {
    text: 'clip-low alone leaves it higher than no clipping',
    a: 'clip-low-only',
    b: 'no-clip',
    samples: (l, n) => [l.finals, n.finals],
    holds: (l, n) => l.final.mean > n.final.mean,
    evidence: (l, n) => `clip-low only ${fmt(l.final)} vs no clipping ${fmt(n.final)}`,
  },
  {
    text: 'aggressive clip-low keeps it at or above its start',
    a: 'aggressive-low',
    b: 'aggressive-low',
    samples: (g) => [g.finals, g.starts],
    holds: (g) => g.final.mean >= g.start.mean,
    evidence: (g) => `start ${fmt(g.start)}, final ${fmt(g.final)}`,
  },
];

/**
 * Whether a difference is smaller than the seeds' own spread (the reviewers' point: 3 seeds of a
 * noisy run can order settings by chance). Start vs final of one group compares its change.
 */
function withinNoise(a: GroupSummary, b: GroupSummary): boolean {
  if (a === b) return Math.abs(a.change.mean) < a.change.std;
  return Math.abs(a.final.mean - b.final.mean) < Math.max(a.final.std, b.final.std);
}

/** The paper's random-reward claims for one policy, from its groups keyed by clip-setting id. */
export function randomRewardClaims(policy: string, groups: ReadonlyMap<string, GroupSummary>): Claim[] {
  return RANDOM_REWARD_RULES.flatMap((rule) => {
    const a = groups.get(rule.a);
    const b = groups.get(rule.b);
    if (!a || !b) return [];
    const noise = withinNoise(a, b);
    const p = welchP(...rule.samples(a, b));
    const evidence =
      rule.evidence(a, b) + (noise ? '; the difference is within the seed-to-seed spread' : '') + fmtP(p);
    return [{ text: `${policy}: ${rule.text}`, holds: rule.holds(a, b), withinNoise: noise, p, evidence }];
  });
}

/**
 * True rewards: greedy accuracy at the end above the starting point — the base model's own accuracy
 * on the same held-out prompts when known (`baseAcc`), else the first evaluation (after step 0).
 */
export function trueRewardClaim(group: GroupSummary, baseAcc?: number | null): Claim {
  const fromBase = baseAcc !== undefined && baseAcc !== null && Number.isFinite(baseAcc);
  const start = fromBase ? baseAcc : group.evalAccStart.mean;
  const startText = fromBase ? `${baseAcc.toFixed(3)} for the base model` : `${fmt(group.evalAccStart)} after step 0`;
  return {
    text: `${group.preset}: true rewards raise greedy accuracy above the ${fromBase ? "base model's" : 'first evaluation'}`,
    holds: group.evalAccFinal.mean > start,
    withinNoise: Math.abs(group.evalAccFinal.mean - start) < group.evalAccFinal.std,
    p: null,
    evidence: `eval/acc ${startText} -> ${fmt(group.evalAccFinal)} at the end; entropy ${fmt(group.start)} -> ${fmt(group.final)}`,
  };
}

/**
 * True rewards, the paper's remedy: with a real reward sharpening lowers entropy in every setting;
 * an aggressive clip-low should leave it higher than symmetric 0.2/0.2 at the end.
 */
export function trueRewardEntropyClaim(sym: GroupSummary, aggressive: GroupSummary): Claim {
  const noise = withinNoise(sym, aggressive);
  const p = welchP(aggressive.finals, sym.finals);
  return {
    text: `${aggressive.preset}: under true rewards aggressive clip-low ends with more entropy than ${sym.preset}`,
    holds: aggressive.final.mean > sym.final.mean,
    withinNoise: noise,
    p,
    evidence:
      `final entropy ${fmt(aggressive.final)} vs ${fmt(sym.final)} (both from ${fmt(sym.start)})` +
      (noise ? '; the difference is within the seed-to-seed spread' : '') +
      fmtP(p),
  };
}
