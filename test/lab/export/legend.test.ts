/**
 * Legends of exported figures, checked on the files themselves: the PDF rendered back to pixels with
 * pdftoppm (the legend's height measured there), its text read with pdftotext, the SVG's drawing.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildFigureData,
  figureSpecSchema,
  groupKey,
  labelRuns,
  layoutLegend,
  MIN_FONT_PT,
  type FigureFormat,
  type FigureSpecInput,
} from '../../../src-main/contract';
import { renderFigure } from '../../../src-main/lab/export/render';
import { syntheticRun } from '../../contract/chart/fixtures';
import { fileTempDir } from '../../support/temp';

const dir = fileTempDir();
const DPI = 300;

/** A run of the paper's clip settings (same seed: only ε_low and ε_high tell them apart). */
function clipRun(id: number, clipLow: number, clipHigh: number | null) {
  const r = syntheticRun(id, { clipLow: Math.min(clipLow, 0.2), seed: 1 });
  const config = { ...r.run.config!, objective: { ...r.run.config!.objective, clipLow, clipHigh } };
  return { ...r, run: { ...r.run, config, groupKey: groupKey(config) } };
}

/** The four settings of the paper's random-reward comparison. */
const FOUR = [clipRun(1, 0.2, 0.2), clipRun(2, 0.2, null), clipRun(3, 0.05, 0.2), clipRun(4, 0.05, null)];

function render(input: Partial<FigureSpecInput>, format: FigureFormat) {
  const spec = figureSpecSchema.parse({ runs: [1, 2, 3, 4], metrics: ['entropy'], ...input });
  const figure = renderFigure(spec, buildFigureData(spec, FOUR), format);
  const file = path.join(dir, `legend-${fs.readdirSync(dir).length}.${format}`);
  fs.writeFileSync(file, figure.bytes);
  return file;
}

/** The page as greyscale rows (0 black .. 255 white), through pdftoppm. */
function pixels(pdf: string): { width: number; height: number; at: (x: number, y: number) => number } {
  const stem = `${pdf}.page`;
  execFileSync('pdftoppm', ['-r', String(DPI), '-gray', '-singlefile', pdf, stem]);
  const bytes = fs.readFileSync(`${stem}.pgm`);
  const header = bytes
    .subarray(0, 64)
    .toString('latin1')
    .match(/^P5\s+(\d+)\s+(\d+)\s+255\s/)!;
  const [width, height] = [Number(header[1]), Number(header[2])];
  const body = bytes.subarray(header[0].length);
  return { width, height, at: (x, y) => body[y * width + x] };
}

/**
 * Rows the top legend takes: from the first inked row to the top of the y axis line (the plot
 * starts there), found as the longest vertical dark run in the page.
 */
function topLegendRows(pdf: string) {
  const page = pixels(pdf);
  let axis = { x: 0, top: 0, length: 0 };
  for (let x = 0; x < page.width / 2; x++) {
    for (let y = 0, run = 0; y < page.height; y++) {
      run = page.at(x, y) < 128 ? run + 1 : 0;
      if (run > axis.length) axis = { x, top: y - run + 1, length: run };
    }
  }
  const inked = (y: number) => Array.from({ length: page.width }, (_, x) => page.at(x, y)).some((v) => v < 200);
  let first = 0;
  while (!inked(first)) first++;
  return { legend: axis.top - first, page: page.height, axisTop: axis.top };
}

describe('legends of exported figures', () => {
  it('name series in paper notation, with subscripts', () => {
    expect(labelRuns('ε_low = 0.05, ε_high off')).toEqual([
      { text: 'ε', sub: false },
      { text: 'low', sub: true },
      { text: ' = 0.05, ε', sub: false },
      { text: 'high', sub: true },
      { text: ' off', sub: false },
    ]);
    expect(labelRuns('clip/low_frac')).toEqual([{ text: 'clip/low_frac', sub: false }]);
    // NFKC: the PDF's text has Skia's ligatures (ﬀ in "off").
    const text = execFileSync('pdftotext', [render({}, 'pdf'), '-'], { encoding: 'utf8' }).normalize('NFKC');
    for (const label of [
      'εlow = 0.2, εhigh = 0.2',
      'εlow = 0.2, εhigh off',
      'εlow = 0.05, εhigh = 0.2',
      'εlow = 0.05, εhigh off',
    ]) {
      expect(text).toContain(label);
    }
  });

  it('puts a single-column figure with four series in columns, in at most a fifth of its height (measured)', () => {
    const { legend, page } = topLegendRows(render({ legend: 'top' }, 'pdf'));
    expect(page).toBe(Math.round((3.25 / 1.5) * DPI)); // 650 px: a one-panel single-column figure
    expect(legend).toBeGreaterThan(0);
    expect(legend).toBeLessThanOrEqual(page / 5);
    // One entry per row would not fit: the legend is in (at least two) columns.
    const layout = layoutLegend(
      ['a', 'b', 'c', 'd'],
      'top',
      { width: 234, height: 156 },
      { fontSize: 8, padding: 3 },
      (t, s) => t.length * s * 0.6,
    );
    expect([layout.columns, layout.rows]).toEqual([4, 1]);
  });

  it('shrinks the text, not the labels, when columns alone do not fit, down to the smallest readable size', () => {
    const measure = (t: string, size: number) => t.length * size * 0.55;
    const long = [
      'ε_low = 0.2, ε_high = 0.2',
      'ε_low = 0.2, ε_high off',
      'ε_low = 0.05, ε_high = 0.2',
      'ε_low = 0.05, ε_high off',
    ];
    const top = layoutLegend(long, 'top', { width: 234, height: 156 }, { fontSize: 8, padding: 3 }, measure);
    expect(top.height).toBeLessThanOrEqual(156 / 5);
    expect(top.fontSize).toBeGreaterThanOrEqual(MIN_FONT_PT);
    expect(top.fontSize).toBeLessThan(8);
    const many = Array.from({ length: 30 }, (_, i) => `ε_low = 0.${i}, ε_high off`);
    const crowded = layoutLegend(many, 'top', { width: 234, height: 156 }, { fontSize: 8, padding: 3 }, measure);
    expect(crowded.fontSize).toBe(MIN_FONT_PT); // gives up shrinking there; labels stay whole
  });

  it.each(['right', 'inside'] as const)('draws a %s legend whole, on a background', (legend) => {
    const pdf = render({ legend }, 'pdf');
    const bbox = execFileSync('pdftotext', ['-bbox', pdf, '-'], { encoding: 'utf8' });
    const page = bbox.match(/<page width="([\d.]+)" height="([\d.]+)">/)!;
    const words = [
      ...bbox.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g),
    ];
    for (const w of words) {
      expect(Number(w[3]), w[5]).toBeLessThanOrEqual(Number(page[1]));
      expect(Number(w[1]), w[5]).toBeGreaterThanOrEqual(0);
    }
    expect(words.filter((w) => w[5].normalize('NFKC') === 'off').length).toBe(2);
    // The background: a white box at 90% opacity (8-bit: 0.902) under the entries.
    const svg = fs.readFileSync(render({ legend }, 'svg'), 'utf8');
    expect(svg).toMatch(
      /<rect fill="white" fill-opacity="0\.90\d*" x="[\d.]+" y="[\d.]+" width="[\d.]+" height="[\d.]+"\/>/,
    );
  });

  it('takes an editable label per series and axis ranges from the spec', () => {
    const pdf = render(
      { labels: { 'run:1': 'symmetric ε_low = ε_high = 0.2' }, yMin: 0, yMax: 3, xMin: 0, xMax: 100 },
      'pdf',
    );
    const text = execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' }).normalize('NFKC');
    expect(text).toContain('symmetric εlow = εhigh = 0.2');
    expect(text).toContain('3'); // the y range's top tick
    expect(text).toContain('100');
    expect(text).not.toContain('200'); // the data go to step 199: the x range cut them
  });
});
