import { describe, expect, it } from 'vitest';
import { runConfigSchema } from '../../src-main/contract';
import { renderReport, type ReportInput } from '../../scripts/reproduce/report';
import {
  driftRatio,
  finalLevel,
  levelAt,
  randomRewardClaims,
  stat,
  summarize,
  trueRewardClaim,
  trueRewardEntropyClaim,
  welchP,
  type RunSeries,
} from '../../scripts/reproduce/summary';
import { clipEffect, REGIME_CELLS, regimeRuns, regimeVerdict } from '../../scripts/reproduce/regime';
import {
  groupAttribution,
  runAttribution,
  sidesVerdict,
  type AttributionInput,
} from '../../scripts/reproduce/attribution';

const run = (entropy: number[], evalAcc: (number | null)[] = []): RunSeries => ({
  entropy,
  lowFrac: entropy.map(() => 0.01),
  highFrac: entropy.map(() => 0.02),
  evalAcc,
  lowDrift: entropy.map(() => 0.001),
  highDrift: entropy.map(() => -0.003),
});

const group = (final: number[], start = 2) =>
  summarize(
    'p',
    'l',
    final.map((f) => run([start, f])),
  );

describe('reproduction summary', () => {
  it('takes mean ± sample std over seeds and the final level over the last steps', () => {
    expect(stat([1, 2, 3])).toEqual({ mean: 2, std: 1, n: 3 });
    expect(finalLevel([5, null, 4, 3, 2, 1], 0.4)).toBe(1.5);
    const g = summarize('p', 'label', [run([2, 1]), run([2, 1.5])]);
    expect(g.start).toEqual({ mean: 2, std: 0, n: 2 });
    expect(g.final.mean).toBe(1.25);
    expect(g.change.mean).toBe(-0.75);
    expect(g.lowFrac.mean).toBeCloseTo(0.01);
  });

  it('reads levels inside a run and the drift balance of each side', () => {
    const xs = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    expect(levelAt(xs, 0.5, 0.2)).toBe(3.5);
    expect(levelAt(xs, 0, 0.2)).toBe(0.5);
    expect(levelAt([null, NaN], 1)).toBeNaN();
    expect(driftRatio(run([1, 1, 1]))).toBeCloseTo(3);
    expect(driftRatio({ ...run([1]), lowDrift: [0] })).toBeNaN();
    const g = summarize('p', 'l', [run(xs), run(xs.map((x) => 2 * x))]);
    expect(g.trajectory[0]).toBe(0);
    expect(g.trajectory[2]).toBeCloseTo(1.5 * 4);
    expect(g.trajectory[4]).toBeCloseTo(1.5 * 9);
    expect(g.driftRatio.mean).toBeCloseTo(3);
  });

  it('checks the four random-reward claims and says when a gap is only seed noise', () => {
    const groups = new Map([
      ['sym', group([1.5, 1.6])],
      ['clip-high-only', group([1.0, 1.1])],
      ['clip-low-only', group([1.9, 2.0])],
      ['no-clip', group([1.2, 2.4])],
      ['aggressive-low', group([1.9, 1.95])],
    ]);
    const claims = randomRewardClaims('tabular', groups);
    expect(claims.map((c) => c.holds)).toEqual([true, true, true, false]);
    expect(claims.map((c) => c.withinNoise)).toEqual([false, false, true, false]);
    expect(claims[2].evidence).toMatch(/within the seed-to-seed spread/);
    expect(claims[0].evidence).not.toMatch(/spread/);
    // run() logs clip-high drift at 3x clip-low's: the 0.2/0.2 evidence names the side that pushed harder.
    expect(claims[0].evidence).toMatch(/high\/low drift 3\.00 ± 0\.00 \(clip-high pushed harder\)/);
    // Welch's t on the per-seed values: finals 1.5, 1.6 against starts 2, 2 (no spread in starts).
    expect(claims[0].p).toBeCloseTo(welchP([1.5, 1.6], [2, 2])!, 12);
    expect(claims[0].evidence).toMatch(/; Welch p = 0\.0\d\d$/);
  });

  it("computes Welch's p like the textbook case", () => {
    // a = 1, 2, 3 vs b = 4, 5, 6: t = -3 / sqrt(2/3) = -3.674, df = 4, two-sided p = 0.0213.
    expect(welchP([1, 2, 3], [4, 5, 6])).toBeCloseTo(0.0213, 4);
    expect(welchP([1], [2, 3])).toBeNull();
  });

  it('leaves out a claim whose groups did not run', () => {
    const claims = randomRewardClaims('gpt', new Map([['sym', group([1.5])]]));
    expect(claims.map((c) => c.text)).toEqual(['gpt: 0.2/0.2 lowers entropy']);
  });

  it("compares true-reward accuracy with the base model's, else with the first evaluation", () => {
    const g = summarize('gpt-true-sym', 'l', [run([1, 0.5], [0.4, null, 0.6]), run([1, 0.5], [0.4, 0.5])]);
    expect(trueRewardClaim(g)).toMatchObject({
      holds: true,
      evidence: expect.stringMatching(/0.400 ± 0.000 after step 0 -> 0.550/),
    });
    const fromBase = trueRewardClaim(g, 0.58);
    expect(fromBase).toMatchObject({ holds: false, withinNoise: true });
    expect(fromBase.evidence).toMatch(/0.580 for the base model -> 0.550/);
  });

  it('checks that aggressive clip-low ends with more entropy than 0.2/0.2 under true rewards', () => {
    const sym = summarize('gpt-true-sym', 'l', [run([0.7, 0.2]), run([0.7, 0.22])]);
    const low = summarize('gpt-true-aggressive-low', 'l', [run([0.7, 0.3]), run([0.7, 0.32])]);
    expect(trueRewardEntropyClaim(sym, low)).toMatchObject({ holds: true, withinNoise: false });
    expect(trueRewardEntropyClaim(low, sym).holds).toBe(false);
    const noisy = summarize('gpt-true-aggressive-low', 'l', [run([0.7, 0.1]), run([0.7, 0.4])]);
    expect(trueRewardEntropyClaim(sym, noisy)).toMatchObject({ holds: true, withinNoise: true });
  });
});

/** A run attributed on steps 0, 10, 20 (entropy/delta on every step): drifts scaled by `high`. */
function attributed(high: number, measuredScale = 1): AttributionInput {
  const every = [0, 10, 20];
  const all = Array.from({ length: 25 }, (_, i) => i);
  const on = (f: (s: number) => number) => ({ steps: every, values: every.map(f) });
  return {
    measured: { steps: all, values: all.map((s) => measuredScale * (s % 10 === 0 ? 0.01 * (s + 1) : 99)) },
    predicted: on((s) => 0.01 * (s + 1)),
    unclipped: on((s) => 0.01 * (s + 1) + 0.002 - high * 0.001),
    low: on(() => -0.002),
    high: on(() => high * 0.001),
    dual: on(() => 0),
    momentum: on(() => 0),
    other: on(() => 0),
  };
}

describe('reproduction attribution', () => {
  it('sums each run on its attributed steps only and compares the prediction with the measurement there', () => {
    const r = runAttribution(attributed(-3))!;
    expect(r.steps).toBe(3);
    expect(r.predicted).toBeCloseTo(0.01 + 0.11 + 0.21, 12);
    expect(r.measured).toBeCloseTo(r.predicted, 12); // the 99s between attributed steps are left out
    expect(r.ratio).toBeCloseTo(1, 12);
    expect(r.pearson).toBeCloseTo(1, 12);
    expect(r.signAgreement).toBe(1);
    expect(r.low).toBeCloseTo(-0.006, 12);
    expect(r.high).toBeCloseTo(-0.009, 12);
    expect(r.unclipped + r.low + r.high + r.momentum + r.other).toBeCloseTo(r.predicted, 12);
    expect(runAttribution({ ...attributed(-3), predicted: { steps: [], values: [] } })).toBeNull();
  });

  it("tests which side pushed harder over the seeds with Welch's t", () => {
    const g = groupAttribution([attributed(-3), attributed(-3.3), attributed(-2.8)].map(runAttribution))!;
    expect(g.n).toBe(3);
    expect(g.highToLow.mean).toBeCloseTo((3 + 3.3 + 2.8) / 3 / 2, 12);
    expect(typeof g.sides === 'object' && g.sides.t).toBeGreaterThan(0);
    expect(sidesVerdict(g)).toMatch(/^clip-high pushed harder \(Welch t = /);
    const even = groupAttribution([attributed(-2.1), attributed(-1.9), attributed(-2)].map(runAttribution))!;
    expect(sidesVerdict(even)).toMatch(/^no significant difference/);
    expect(groupAttribution([null])).toBeNull();
  });
});

describe('reproduction report', () => {
  const config = runConfigSchema.parse({ task: { kind: 'add' }, policy: { kind: 'gpt' } });
  const input = (): ReportInput => ({
    date: '2025-01-01',
    quick: false,
    machine: { cpu: 'CPU X', cores: 2, platform: 'linux', node: 'v20', backends: 'wasm' },
    runs: 3,
    seeds: 1,
    trueSeeds: 1,
    parallel: 2,
    minutes: 12.34,
    overrides: ['backend=wasm'],
    sections: [{ title: 'GPT', config, rows: [{ summary: group([1.5]), verdicts: 'stable 1', attribution: null }] }],
    claims: [
      { text: 'gpt: 0.2/0.2 lowers entropy', holds: false, withinNoise: true, p: null, evidence: 'start 2, final 1.9' },
    ],
    trueReward: [
      {
        summary: summarize('gpt-true-sym', 'true rewards', [run([1, 0.5], [0.4, 0.6])]),
        config,
        base: { acc: 0.45, passAtK: 0.9, entropy: 0.7, steps: 1200 },
        passAtK: { start: stat([0.9]), final: stat([0.95]) },
        evalEntropy: { start: stat([0.7]), final: stat([0.4]) },
      },
    ],
    regime: [],
    regimeFigure: null,
    regimeCommand: null,
    unfinished: ['7 failed (boom)'],
  });

  it('writes the tables, verdicts, machine and time from the numbers it is given', () => {
    const text = renderReport(input());
    expect(text).not.toMatch(/exact (first|second|fourth)-order (\((trapezoid|Simpson)\) )?attribution \(/); // no group was attributed
    expect(text).toMatch(/CPU X, 2 cores, linux, Node v20; backend wasm/);
    expect(text).toMatch(/wall time 12.3 minutes/);
    expect(text).toMatch(
      /\| l \| 1 \| 2.000 ± 0.000 \| 1.500 ± 0.000 \| -0.500 ± 0.000 \| 1.00 \| 2.00 \| 3.00 ± 0.00 \|/,
    );
    expect(text).toMatch(
      /\| gpt: 0.2\/0.2 lowers entropy \| \*\*does not hold, within noise\*\* \| start 2, final 1.9 \|/,
    );
    expect(text).toMatch(/\| greedy accuracy \(eval\/acc\) \| 0.450 \| 0.400 ± 0.000 \| 0.600 ± 0.000 \|/);
    expect(text).toMatch(/1200 supervised steps/);
    expect(text).toMatch(/Runs that did not complete: 7 failed \(boom\)/);
    expect(text).not.toMatch(/smoke run/);
  });

  it('writes the attribution table of the attributed groups, with the sides test', () => {
    const attribution = groupAttribution([attributed(-3), attributed(-3.3), attributed(-2.8)].map(runAttribution));
    const sections = [{ ...input().sections[0], rows: [{ summary: group([1.5]), verdicts: 'stable 1', attribution }] }];
    const text = renderReport({ ...input(), sections });
    expect(text).toMatch(/### GPT: exact fourth-order \(Simpson\) attribution \(every 10th step\)/); // the default rule
    expect(text).toMatch(/⅙ <grad H\(theta\) \+ 4 grad H\(theta \+ d theta \/ 2\)/);
    expect(text).toMatch(/\| l \| 3 \| 3 \| 0\.330 ± 0\.0 \| 0\.330 ± 0\.0 \| 1\.00 ± 0\.00 \|/);
    expect(text).toMatch(/\| 1\.52 ± 0\.13 \| clip-high pushed harder \(Welch t = \d/);
    const config = sections[0].config;
    const trapezoid = [
      { ...sections[0], config: { ...config, attribution: { ...config.attribution, rule: 'trapezoid' as const } } },
    ];
    const second = renderReport({ ...input(), sections: trapezoid });
    expect(second).toMatch(/### GPT: exact second-order \(trapezoid\) attribution \(every 10th step\)/);
  });

  it('answers the regime question from Welch tests of final against start entropy', () => {
    const [base, hot] = REGIME_CELLS;
    const falls = summarize('p', hot.label, [run([1.5, 1.0]), run([1.52, 1.1]), run([1.49, 0.95])]);
    const rises = summarize('p', base.label, [run([0.67, 0.8]), run([0.66, 0.9]), run([0.68, 0.85])]);
    expect(regimeVerdict(falls).verdict).toBe('**lowers entropy**');
    expect(regimeVerdict(rises).verdict).toBe('raises entropy');
    const flat = summarize('p', base.label, [run([0.67, 0.6]), run([0.66, 0.8]), run([0.68, 0.66])]);
    expect(regimeVerdict(flat).verdict).toBe('no significant change');
    const attribution = groupAttribution([attributed(-3), attributed(-3.3), attributed(-2.8)].map(runAttribution));
    const text = renderReport({
      ...input(),
      regime: [
        { cell: base, summary: rises, attribution, control: null },
        { cell: hot, summary: falls, attribution: null, control: null },
      ],
      regimeFigure: 'figures/regime-entropy.svg',
      regimeCommand: 'npx cliplab export-figure --runs 1,2',
    });
    expect(text).toMatch(new RegExp(`lowered entropy significantly \\(p < 0.05\\) with: ${hot.label}\\.`));
    expect(text).toContain(`| ${hot.factor} | ${hot.label} | 3 | 1.503 ± 0.015 |`);
    expect(text).toMatch(/!\[.*\]\(figures\/regime-entropy.svg\)/);
    expect(text).toMatch(/npx cliplab export-figure --runs 1,2/);
  });

  it("tests each cell's 0.2/0.2 finals against its unclipped control with Welch's t", () => {
    const [base, hot] = REGIME_CELLS;
    const sym = summarize('p', hot.label, [run([1.5, 1.0]), run([1.52, 1.1]), run([1.49, 0.95])]);
    const higher = summarize('p', hot.label, [run([1.5, 1.4]), run([1.5, 1.45]), run([1.5, 1.3])]);
    const close = summarize('p', hot.label, [run([1.5, 1.05]), run([1.5, 0.9]), run([1.5, 1.1])]);
    // Welch's t by hand: means 1.0167 vs 1.3833, variances 0.005833 and 0.005833 over 3 seeds each:
    // t = -0.3667 / sqrt(2 * 0.005833 / 3) = -5.88 on 4 degrees of freedom, two-sided p = 0.0042.
    const lower = clipEffect(sym, higher);
    expect(lower.verdict).toBe('**clipping lowers it**');
    expect(lower.p).toBeCloseTo(0.0042, 3);
    expect(clipEffect(higher, sym).verdict).toBe('clipping raises it');
    expect(clipEffect(sym, close).verdict).toBe('no significant difference');
    expect(clipEffect(sym, null)).toEqual({ p: null, verdict: 'no control' });
    const text = renderReport({
      ...input(),
      regime: [
        { cell: hot, summary: sym, attribution: null, control: higher },
        { cell: base, summary: sym, attribution: null, control: null },
      ],
    });
    expect(text).toContain(`without clipping, 0.2/0.2 ended significantly lower (p < 0.05) with: ${hot.label}.`);
    expect(text).toMatch(/\| 1.383 ± 0.076 \| 0.004 \| \*\*clipping lowers it\*\* \|/);
    expect(text).toMatch(/\| n\/a \| n\/a \| no control \|/);
    const none = renderReport({ ...input(), regime: [{ cell: hot, summary: sym, attribution: null, control: close }] });
    expect(none).toMatch(/did not end significantly lower in any of the 1 controlled settings/);
  });

  it('pairs each regime cell with its control runs from the command line, and names bad input', () => {
    const runs = regimeRuns(['base=1,2,3', 'lr=4,5,6'], ['lr=7,8,9']);
    expect(runs.map((r) => [r.cell.id, r.ids, r.controlIds])).toEqual([
      ['base', [1, 2, 3], null],
      ['lr', [4, 5, 6], [7, 8, 9]],
    ]);
    expect(() => regimeRuns(['hot=1'], [])).toThrow(/--regime: unknown cell "hot"; expected one of base, /);
    expect(() => regimeRuns(['base=1,x'], [])).toThrow(
      /--regime: expected CELL=ID,ID,... with run ids, got "base=1,x"/,
    );
    expect(() => regimeRuns(['base=1'], ['lr=2'])).toThrow(/--regime-control: no --regime runs for cell\(s\) lr/);
    expect(() => regimeRuns(['base=1'], ['base=2', 'base=3'])).toThrow(/--regime-control: cell "base" given twice/);
    expect(() => regimeRuns([], ['=2'])).toThrow(/--regime-control: expected CELL=ID/);
  });

  it('marks a quick run as a smoke run and copes with a missing base model', () => {
    const text = renderReport({ ...input(), quick: true, trueReward: [{ ...input().trueReward[0], base: null }] });
    expect(text).toMatch(/smoke run/);
    expect(text).toMatch(/\| greedy accuracy \(eval\/acc\) \| n\/a \|/);
  });
});
