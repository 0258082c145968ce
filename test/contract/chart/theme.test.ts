/** Screen charts in the dark theme: every series stands out from the surface, paper figures never change. */
import { describe, expect, it } from 'vitest';
import {
  buildChartConfig,
  buildFigureData,
  CHART_THEMES,
  figureSpecSchema,
  contrastRatio,
  LINE_CONTRAST,
  lineColorOn,
  PALETTES,
  type ChartTheme,
} from '../../../src-main/contract';
import { twoGroups } from './fixtures';

describe('contrastRatio', () => {
  it('matches WCAG 2’s worked values', () => {
    expect(contrastRatio('#000000', '#FFFFFF')).toBeCloseTo(21, 6);
    expect(contrastRatio('#FFFFFF', '#FFFFFF')).toBe(1);
    // #767676 on white is the classic 4.54:1 grey.
    expect(contrastRatio('#767676', '#FFFFFF')).toBeCloseTo(4.54, 2);
  });
});

describe('lineColorOn', () => {
  const dark = CHART_THEMES.dark.surface;

  it('keeps colours that already stand out and lifts the others to 3:1 on the dark surface', () => {
    for (const [name, palette] of Object.entries(PALETTES)) {
      for (const color of palette) {
        const drawn = lineColorOn(color, dark);
        expect(contrastRatio(drawn, dark), `${name} ${color} -> ${drawn}`).toBeGreaterThanOrEqual(LINE_CONTRAST);
        if (contrastRatio(color, dark) >= LINE_CONTRAST) expect(drawn).toBe(color);
      }
    }
  });

  it('mirrors black to a light grey and keeps a dark colour’s hue', () => {
    const black = lineColorOn('#000000', dark);
    expect(new Set([black.slice(1, 3), black.slice(3, 5), black.slice(5, 7)]).size).toBe(1);
    expect(contrastRatio(black, dark)).toBeGreaterThanOrEqual(LINE_CONTRAST);
    // A dark purple stays purple: red and blue above green.
    const purple = lineColorOn('#332288', dark);
    const [r, g, b] = [1, 3, 5].map((i) => Number.parseInt(purple.slice(i, i + 2), 16));
    expect(b).toBeGreaterThan(g);
    expect(r).toBeGreaterThan(g);
  });
});

describe('buildChartConfig with a theme', () => {
  const spec = figureSpecSchema.parse({ runs: [1, 2, 3, 4, 5, 6], groupSeeds: true, metrics: ['entropy'] });
  const data = buildFigureData(spec, twoGroups());
  const build = (target: 'paper' | 'screen', theme?: ChartTheme) =>
    buildChartConfig(spec, data, { target, fontFamily: 'test-font', theme });

  it('a paper figure ignores the theme: an export is the same from a dark window', () => {
    expect(JSON.stringify(build('paper', CHART_THEMES.dark))).toBe(JSON.stringify(build('paper')));
  });

  it('a dark screen chart draws Okabe-Ito’s black mean line light, and keeps its orange', () => {
    const [black, orange] = PALETTES['okabe-ito'];
    const [first, second] = build('screen', CHART_THEMES.dark).data.datasets;
    expect(first.borderColor).toBe(lineColorOn(black, CHART_THEMES.dark.surface));
    expect(first.borderColor).not.toBe(black);
    expect(second.borderColor).toBe(orange);
    const light = build('screen', CHART_THEMES.light).data.datasets;
    expect([light[0].borderColor, light[1].borderColor]).toEqual([black, orange]);
  });
});
