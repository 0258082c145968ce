/**
 * The "A real LLM" section of docs/results.md (scripts/reproduce/llm-report.ts): per-run numbers
 * from stored series with gaps, the side test against hand-worked values (t by hand, the exact
 * binomial sign test), and the section replaced in place without touching the rest of the file.
 */
import { describe, expect, it } from 'vitest';
import { presetConfig, runConfigSchema } from '../../src-main/contract';
import {
  LLM_KEYS,
  llmSectionOf,
  renderLlmSection,
  replaceLlmSection,
  runNumbers,
  seedsAnswer,
  seedTest,
  sideTest,
  sidesAnswer,
} from '../../scripts/reproduce/llm-report';

const series = (entropy: (number | null)[], low: (number | null)[], high: (number | null)[]) => ({
  [LLM_KEYS.entropy]: entropy,
  [LLM_KEYS.delta]: [-0.01, null, -0.02, 0.005],
  [LLM_KEYS.pred]: [-0.012, null, -0.018, 0.004],
  [LLM_KEYS.lowFrac]: [0.01, 0.02, null, 0.03],
  [LLM_KEYS.highFrac]: [0.02, 0.02, 0.02, 0.02],
  [LLM_KEYS.lowDrift]: low,
  [LLM_KEYS.highDrift]: high,
});

describe('LLM section numbers', () => {
  it('sums the drifts and changes over the steps with both sides attributed', () => {
    const n = runNumbers(series([1.5, 1.4, null, 1.2], [0.01, null, 0.002, 0.003], [-0.03, -0.5, -0.001, null]));
    expect(n).toMatchObject({ steps: 3, start: 1.5, final: 1.2, attributed: 2 });
    expect(n.lowDrift).toBeCloseTo(0.012, 12);
    expect(n.highDrift).toBeCloseTo(-0.031, 12);
    expect(n.measured).toBeCloseTo(-0.03, 12);
    expect(n.predicted).toBeCloseTo(-0.03, 12);
    expect(n.lowFrac).toBeCloseTo(0.02, 12);
    expect(n.sideGaps.map((g) => +g.toFixed(12))).toEqual([0.02, -0.001]);
  });

  it('tests |high| - |low| with t and an exact sign test', () => {
    // gaps 1, 2, 3, -1: mean 1.25, sample std sqrt(2.9167), t = 1.25 / (std / 2) = 1.4639
    const t = sideTest([1, 2, 3, -1])!;
    expect(t.mean).toBe(1.25);
    expect(t.t).toBeCloseTo(1.25 / (Math.sqrt(35 / 12) / 2), 10);
    expect(t.p).toBeGreaterThan(0.2);
    expect(t.p).toBeLessThan(0.3);
    expect(t.highLarger).toBe(3);
    expect(t.signP).toBeCloseTo(10 / 16, 12); // P(k <= 1 or k >= 3 of 4) = (1 + 4 + 4 + 1) / 16
    expect(sideTest([0.5])).toBeNull();
    const strong = sideTest(Array.from({ length: 20 }, (_, i) => -1 - (i % 3) * 0.1))!;
    expect(strong.signP).toBeCloseTo(2 / 2 ** 20, 15);
    expect(sidesAnswer(strong)).toMatch(/^At 0.2 \/ 0.2, clip-low's removed push is the larger/);
    expect(sidesAnswer(t)).toMatch(/does not settle/);
  });

  it("tests each seed as one unit: the sum of its steps' |high| - |low|, t over seeds", () => {
    const run = (gaps: number[]) => ({ ...runNumbers(series([1], [], [])), sideGaps: gaps });
    // per-seed sums 0.3, 0.1, 0.2: mean 0.2, std 0.1, t = 0.2 / (0.1 / sqrt 3) = 3.4641, df 2 -> p = 0.0742
    const t = seedTest([run([0.1, 0.2]), run([0.3, -0.2]), run([0.2]), run([])])!;
    expect(t.n).toBe(3);
    expect(t.mean).toBeCloseTo(0.2, 12);
    expect(t.t).toBeCloseTo(0.2 / (0.1 / Math.sqrt(3)), 9);
    expect(t.p).toBeCloseTo(0.0742, 3);
    expect(seedsAnswer(t)).toMatch(/over 3 seeds, t = 3\.46, p = 0\.074: the seeds do not settle/);
    const clear = seedTest([run([-1]), run([-1.1]), run([-0.9]), run([-1.05])])!;
    expect(clear.p).toBeLessThan(0.001);
    expect(seedsAnswer(clear)).toMatch(/clip-low's removed push is the larger\.$/);
    expect(seedTest([run([1])])).toBeNull();
    expect(seedsAnswer(null)).toMatch(/no test over seeds/);
  });

  it('renders the section between markers and replaces only it', () => {
    const config = runConfigSchema.parse({
      ...presetConfig('smollm2-gsm8k-random-sym'),
      policy: { kind: 'hf', path: '/m.gguf' },
      task: { kind: 'dataset', path: '/p.jsonl' },
    });
    const run = {
      id: 1,
      series: series([1.5, 1.4, 1.3, 1.2], [0.01, 0.02, 0.002, 0.003], [-0.03, -0.05, -0.001, -0.01]),
    };
    const section = renderLlmSection({
      date: '2026-12-07',
      machine: 'cpu, 2 cores',
      minutes: 3,
      overrides: ['steps=4'],
      groups: [{ preset: 'smollm2-gsm8k-random-sym', label: 'PPO symmetric 0.2 / 0.2', config, runs: [run] }],
      figure: 'results-llm-entropy.svg',
      unfinished: [],
    });
    expect(section).toContain('## A real LLM');
    expect(section).toContain('| PPO symmetric 0.2 / 0.2 | 1 | 4 | 1.500 ± 0.000 | 1.200 ± 0.000 |');
    expect(section).toContain("clip-high's push was the larger on 3 of 4 steps");
    expect(section).toContain('exact to second order (trapezoid rule along each update).');
    expect(section).toContain('Fewer than two seeds have attributed steps');
    const doc = '# Results\n\ntext\n';
    const once = replaceLlmSection(doc, section);
    expect(once.startsWith(doc.trim())).toBe(true);
    expect(llmSectionOf(once)).toBe(section);
    const again = replaceLlmSection(once + '\nafter\n', section.replace('2026-12-07', '2026-12-08'));
    expect(again).toContain('2026-12-08');
    expect(again).not.toContain('2026-12-07');
    expect(again.endsWith('\nafter\n')).toBe(true);
  });
});
