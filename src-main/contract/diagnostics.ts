/**
 * Entropy-collapse diagnostics (issue 5): the options and the typed results the lab computes from a
 * run's stored series and the renderer and CLI show. Plain JSON: every number is finite or null.
 * Sources of the quantities: research/paper.md (clip drift, log-balanced eps), Cui et al. 2025 (law).
 */
import { z } from 'zod';
import { COLLAPSE_FRACTION, type Crossing, type Points, type StepValue } from './summary';

export const diagnosisOptionsSchema = z
  .object({
    /** Entropy counts as collapsed once it stays below this fraction of its start. @default 0.1 */
    collapseFraction: z.number().gt(0).lt(1).default(COLLAPSE_FRACTION),
    /**
     * Trailing window, in logged points, for the log-entropy slope and the "recent" means; null
     * takes a quarter of the run's points, at least 20 (all of them when fewer). @default null
     */
    window: z.number().int().min(3).max(1_000_000).nullable().default(null),
    /**
     * Smallest fitted change of log-entropy across the trailing window (|Δ ln H|) that counts as a
     * trend; smaller drifts, or slopes not different from zero at the 1% level, are "stable". @default 0.05
     */
    trendThreshold: z.number().min(0).max(10).default(0.05),
  })
  .strict();

export type DiagnosisOptions = z.output<typeof diagnosisOptionsSchema>;
export type DiagnosisOptionsInput = z.input<typeof diagnosisOptionsSchema>;

/** A section that may be impossible for a run (missing keys, too few points), with the reason. */
export type Section<T> = ({ status: 'ok' } & T) | { status: 'unavailable'; reason: string };

/** Which stored key fed a quantity: the canonical name, or a trainer's own (e.g. verl `actor/entropy`). */
export interface KeyUse {
  quantity: string;
  key: string;
  /** True when the key is not cliplab's canonical name for the quantity. */
  fallback: boolean;
  /** For an imported run's canonical alias: the trainer's own key it was made from. */
  aliasOf: string | null;
}

/** Clip settings as far as the run tells them: a local run's config, or an import's hyperparameters. */
export interface ClipSettingsInfo {
  /** eps_low (1 switches clip-low off); null when unknown. */
  clipLow: number | null;
  /** eps_high; null means no upper clip when `clipHighOff`, unknown otherwise. */
  clipHigh: number | null;
  clipHighOff: boolean;
  dualClip: number | null;
  /** Optimizer steps per rollout (epochs x minibatches); 1 means the ratio is identically 1. */
  updatesPerRollout: number | null;
  rewardKind: 'verifier' | 'bernoulli' | 'gaussian' | null;
  lr: number | null;
  /** Where each known setting came from: "config" or the hyperparameter name found. */
  sources: Record<string, string>;
}

export type CollapseVerdict = 'collapsed' | 'collapsing' | 'stable' | 'rising';

/**
 * Entropy collapse. Start, final, peak, collapse step and half-life follow contract/summary.ts (the
 * same numbers every view shows); the trailing trend only decides runs that have not collapsed.
 */
export interface CollapseDiagnosis {
  key: string;
  verdict: CollapseVerdict;
  /** One sentence with the numbers and thresholds that decided the verdict. */
  decidedBy: string;
  /** The first logged value. */
  start: number;
  startStep: number;
  /** The last logged value. */
  final: number;
  finalStep: number;
  finalOverStart: number;
  /** The highest logged value. */
  peak: StepValue;
  collapseFraction: number;
  /** collapseFraction x start. */
  collapseLevel: number;
  /** Where entropy fell below collapseLevel to stay (SUMMARY_DEFINITIONS.collapseStep); null if never. */
  collapseStep: number | null;
  collapse: Crossing | null;
  /** Where entropy fell to half its start to stay (SUMMARY_DEFINITIONS.halfLife); null if never. */
  halfLifeStep: number | null;
  halfLife: Crossing | null;
  /** Least-squares slope of ln H per step over the trailing window, and its standard error. */
  logSlope: number;
  logSlopeStdErr: number | null;
  /** Two-sided p-value of the slope (t-test on the fit, df = window points - 2); trends need p < 0.01. */
  logSlopeP: number | null;
  /** Fitted change of ln H across the window: logSlope x (last step - first step of the window). */
  windowLogChange: number;
  windowFirstStep: number;
  windowLastStep: number;
  windowPoints: number;
  trendThreshold: number;
  /** Steps until the fitted trend reaches collapseLevel (only when collapsing). */
  stepsToCollapse: number | null;
  firstStep: number;
  lastStep: number;
  /** Logged points, and the median gap between logged steps (1 for a run that logs every step). */
  points: number;
  logEvery: number;
  entropy: Points;
}

/** Response length below this share of its first logged value (lasting) is a length collapse. */
export const LENGTH_COLLAPSE_FRACTION = 0.2;
/** At least this share of groups with all-equal rewards (lasting) is reward saturation. */
export const SATURATION_SHARE = 0.5;

export type SignalKind = 'length-collapse' | 'reward-saturation';

/**
 * Something the log shows that often comes before (or with) an entropy collapse: responses shrinking
 * to a few tokens, or most groups getting all-equal rewards, so their advantages and gradients are 0.
 */
export interface LeadingSignal {
  kind: SignalKind;
  /** The series used (for an import, its canonical alias or the trainer's key). */
  key: string;
  /** The trainer's own key when `key` is an import's canonical alias. */
  aliasOf: string | null;
  /** The value the series crossed (LENGTH_COLLAPSE_FRACTION x start, or SATURATION_SHARE). */
  threshold: number;
  /** Where the series crossed the threshold to stay (the summary numbers' lasting rule). */
  crossing: Crossing;
  start: StepValue;
  final: StepValue;
  /** Steps from the signal to the entropy collapse step (> 0: the signal came first); null without a collapse. */
  leadsCollapseBy: number | null;
  /** One plain sentence with the numbers. */
  text: string;
}

export type ClipAttribution = 'per-side' | 'combined-only' | 'none';

/** Mean over all points and over the trailing window; null when the key is absent. */
export interface MeanRecent {
  key: string;
  mean: number;
  recent: number;
  max: number;
}

/** Where a predicted entropy change and clip drifts come from (contract/metrics.ts, issue 13). */
export type AttributionMethod = 'exact' | 'logit';

/**
 * The exact method's rule (config `attribution.rule`): fourth order (simpson), second order
 * (trapezoid) or first order (tangent).
 */
export type AttributionRule = 'trapezoid' | 'tangent' | 'simpson';

/** How a run's predicted entropy change and clip drifts were computed, and on which steps. */
export interface AttributionCoverage {
  /** The key family the theory check and clip balance read; null when the run logged neither. */
  method: AttributionMethod | null;
  /** The exact method's rule from the run's config; null for the logit-space estimate and imports. */
  rule: AttributionRule | null;
  /**
   * "exact, fourth order (Simpson)", "exact, second order (trapezoid)", "exact, first order", "exact"
   * (an import: rule unknown),
   * "logit-space estimate" or "not computed".
   */
  label: string;
  /** A local run's `attribution` config; null for imports. */
  configured: { method: 'exact' | 'logit' | 'off'; every: number; rule: AttributionRule } | null;
  /** Steps with a prediction (or drift), and steps with a measured entropy change. */
  steps: number;
  measuredSteps: number;
  /** One sentence for users: the method, its cadence and what that means for the numbers. */
  note: string;
}

export interface DriftBalance {
  /** The attribution the drifts come from. */
  method: AttributionMethod;
  /** The method as users read it, with the exact method's rule (AttributionCoverage.label). */
  label: string;
  lowKey: string;
  highKey: string;
  /** Cumulative entropy change from clip-low (usually > 0) and clip-high (usually < 0). */
  lowCum: number;
  highCum: number;
  /** Cumulative dual-clip drift (0 when the run logged none). */
  dualCum: number;
  /** lowCum + highCum + dualCum: the net entropy push of clipping. */
  netCum: number;
  /** |highCum| / |lowCum|; null when lowCum is 0. */
  highToLow: number | null;
  /** The side whose push is larger in size; 'none' when both are 0. */
  dominant: 'clip-high' | 'clip-low' | 'none';
  /** First step from which the cumulative dominance keeps its final sign to the end. */
  dominantSince: number | null;
  firstStep: number;
  lastStep: number;
  /** Cumulative series for charts, on the steps both sides logged. */
  cumulative: { steps: number[]; low: number[]; high: number[]; net: number[] };
}

export interface ClipBalance {
  attribution: ClipAttribution;
  /** Plain statement for users, e.g. "combined only; cannot attribute: ...". */
  summary: string;
  drift: DriftBalance | null;
  lowFrac: MeanRecent | null;
  highFrac: MeanRecent | null;
  combinedFrac: MeanRecent | null;
  dualFrac: MeanRecent | null;
  lowGap: MeanRecent | null;
  highGap: MeanRecent | null;
  /** False when every logged clip fraction is exactly 0; null when nothing was logged. */
  clippingActive: boolean | null;
  notes: string[];
}

/**
 * The exact prediction split into its parts (contract/metrics.ts), summed over the theory check's
 * steps: predictedCum = unclipped + clip + momentum + other, and clip = low + high + dual is the clip
 * balance's net drift over the same steps.
 */
export interface PredictionParts {
  unclipped: number;
  low: number;
  high: number;
  dual: number;
  clip: number;
  momentum: number;
  other: number;
}

export interface TheoryCheck {
  /** The attribution the prediction comes from. */
  method: AttributionMethod;
  /** The method as users read it, with the exact method's rule (AttributionCoverage.label). */
  label: string;
  predictedKey: string;
  measuredKey: string;
  n: number;
  pearson: number | null;
  predictedCum: number;
  measuredCum: number;
  /** measuredCum / predictedCum; null when the prediction sums to 0. */
  cumRatio: number | null;
  /** Least-squares slope of measured on predicted through the origin (the best scale factor). */
  slope: number | null;
  /** Share of steps where both have the same sign (a zero matches only a zero). */
  signAgreement: number;
  /** The prediction's parts (exact attribution only; null for the logit-space estimate). */
  parts: PredictionParts | null;
  /** Both series side by side on common steps, per step and cumulative. */
  series: { steps: number[]; predicted: number[]; measured: number[]; predictedCum: number[]; measuredCum: number[] };
}

export interface ControlSplit {
  controlId: number | null;
  controlName: string;
  key: string;
  firstStep: number;
  lastStep: number;
  runChange: number;
  /** Entropy change the random-reward control also shows: clip- and optimizer-driven. */
  controlChange: number;
  /** runChange - controlChange: attributed to the reward. */
  rewardChange: number;
  /** controlChange / runChange; null when the run's change is ~0. */
  controlShare: number | null;
  /** Config differences other than the reward (empty = a proper control); null when unknown. */
  mismatches: string[] | null;
  series: { steps: number[]; run: number[]; control: number[]; difference: number[] };
}

/** The law is not fitted when eval accuracy spans less than this (max - min over the eval points). */
export const LAW_MIN_ACC_RANGE = 0.05;
/** A fit with R² below this is shown with a warning and left out of group statistics and advice. */
export const LAW_MIN_R2 = 0.5;

export interface LawFit {
  accKey: string;
  entropyKey: string;
  /** How each point's entropy was found. */
  entropySource: 'eval entropy at the step' | 'training entropy at or before the step';
  n: number;
  a: number;
  b: number;
  /** null when accuracy did not vary (R² undefined). */
  r2: number | null;
  /** Predicted accuracy at H = 0: b - a. */
  accAtZeroEntropy: number;
  /** Lowest and highest eval accuracy of the points. */
  accRange: { min: number; max: number };
  /** The data do not support the fit (R² below LAW_MIN_R2 or undefined): shown with `warnings`, not used. */
  weak: boolean;
  /** Why the fit should not be trusted; empty when it is sound. */
  warnings: string[];
  notes: string[];
  points: { step: number; entropy: number; acc: number }[];
}

export interface SweepSuggestion {
  /** Local run whose config is the base; null for imports (start from a preset instead). */
  baseRunId: number | null;
  grid: Record<string, (number | null)[]>;
  seeds: number;
}

export interface Advice {
  id: string;
  severity: 'info' | 'warning' | 'action';
  text: string;
  /** The numbers that triggered the line. */
  numbers: Record<string, number | string | null>;
  sweep?: SweepSuggestion;
}

/**
 * What a log holds for one diagnostic (import preview): `ready` when a full set of its inputs is
 * there, `partial` when only a weaker set is (e.g. a combined clip fraction), `missing` otherwise.
 */
export interface DiagnosticCoverage {
  id: 'collapse' | 'signals' | 'clip' | 'theory' | 'law';
  label: string;
  status: 'ready' | 'partial' | 'missing';
  /** Each canonical key the diagnostic reads that the log has, with the log's own key for it. */
  found: { key: string; from: string }[];
  /** Canonical keys it would need for a full diagnosis and the log lacks. */
  missing: string[];
  /** One plain sentence: what works and what does not. */
  text: string;
}

export interface RunDiagnosisMeta {
  id: number | null;
  name: string;
  origin: 'local' | 'imported' | 'remote';
  seed: number | null;
  groupKey: string | null;
}

export interface RunDiagnosis {
  run: RunDiagnosisMeta;
  options: DiagnosisOptions;
  keys: KeyUse[];
  settings: ClipSettingsInfo;
  /** How the theory check's prediction and the clip balance's drifts were computed. */
  attribution: AttributionCoverage;
  collapse: Section<CollapseDiagnosis>;
  /** Length collapse and reward saturation, where the log has the keys; empty when none shows. */
  signals: LeadingSignal[];
  clip: ClipBalance;
  theory: Section<TheoryCheck>;
  control: Section<ControlSplit>;
  law: Section<LawFit>;
  advice: Advice[];
  /** Every scalar diagnostic by name (see SCALAR_LABELS); null where unavailable. */
  scalars: Record<string, number | null>;
}

export interface Aggregate {
  /** Values of the runs that have one (null-valued runs are left out). */
  n: number;
  mean: number | null;
  /** Sample standard deviation (n - 1); null for n < 2. */
  std: number | null;
  values: (number | null)[];
}

export interface GroupDiagnosis {
  label: string;
  groupKey: string | null;
  runIds: (number | null)[];
  seeds: (number | null)[];
  n: number;
  verdicts: Record<CollapseVerdict, number>;
  scalars: Record<string, Aggregate>;
  runs: RunDiagnosis[];
  advice: Advice[];
}

export interface ScalarTest {
  scalar: string;
  label: string;
  a: Aggregate;
  b: Aggregate;
  /** mean(a) - mean(b). */
  difference: number | null;
  /** 95% confidence interval of the difference (Welch). */
  ci95: [number, number] | null;
  t: number | null;
  df: number | null;
  /** Two-sided p-value of Welch's t-test. */
  p: number | null;
  cohenD: number | null;
  hedgesG: number | null;
  /** Why the test is weak or impossible (too few seeds, no variance); empty when sound. */
  warnings: string[];
  summary: string;
}

export interface GroupComparison {
  a: { label: string; n: number; runIds: (number | null)[] };
  b: { label: string; n: number; runIds: (number | null)[] };
  tests: ScalarTest[];
  warnings: string[];
}

/** Labels for the scalar diagnostics, in the order reports list them. */
export const SCALAR_LABELS: Record<string, string> = {
  'entropy.start': 'start entropy',
  'entropy.final': 'final entropy',
  'entropy.finalOverStart': 'final / start entropy',
  'entropy.logSlope': 'trailing log-entropy slope per step',
  'entropy.collapseStep': 'collapse step',
  'entropy.halfLifeStep': 'entropy half-life step',
  'entropy.peak': 'peak entropy',
  'len.collapseStep': 'response-length collapse step',
  'reward.saturationStep': 'reward saturation step',
  'clip.lowDriftCum': 'cumulative clip-low drift',
  'clip.highDriftCum': 'cumulative clip-high drift',
  'clip.dualDriftCum': 'cumulative dual-clip drift',
  'clip.netDriftCum': 'net clip drift',
  'clip.highToLow': 'clip-high / clip-low drift',
  'clip.lowFracMean': 'clip-low fraction',
  'clip.highFracMean': 'clip-high fraction',
  'clip.combinedFracMean': 'combined clip fraction',
  'clip.lowGapMean': 'clip-low surprisal gap',
  'clip.highGapMean': 'clip-high surprisal gap',
  'theory.pearson': 'predicted vs measured correlation',
  'theory.cumRatio': 'measured / predicted cumulative change',
  'theory.slope': 'measured-on-predicted slope',
  'theory.signAgreement': 'sign agreement',
  'theory.unclippedCum': 'predicted change from the unclipped surrogate',
  'theory.momentumCum': 'predicted change from Adam momentum',
  'control.rewardChange': 'reward-driven entropy change',
  'control.controlChange': 'control (clip/optimizer) entropy change',
  'law.a': 'law a',
  'law.b': 'law b',
  'law.r2': 'law R²',
  'law.accAtZeroEntropy': 'predicted accuracy at H = 0',
  'reward.mean': 'mean reward',
  'eval.finalAcc': 'final eval accuracy',
};

/** Scalars two groups are compared on by default: final entropy first. */
export const DEFAULT_COMPARE_SCALARS = [
  'entropy.final',
  'entropy.finalOverStart',
  'clip.netDriftCum',
  'clip.highToLow',
  'eval.finalAcc',
] as const;
