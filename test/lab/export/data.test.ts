import { describe, expect, it } from 'vitest';
import { buildFigureData, figureSpecSchema, type FigureSpecInput } from '../../../src-main/contract';
import { csvNumber, exportFigureData } from '../../../src-main/lab/export/data';
import { documentJson } from '../../../src-main/contract/json';
import { twoGroups } from '../../contract/chart/fixtures';

const AWKWARD = [0.1 + 0.2, 1 / 3, -0, 1e-300, 5e-324, 1.7976931348623157e308, 123456789.12345679, -2.5e-7];

function dataOf(input: FigureSpecInput) {
  const inputs = twoGroups();
  // Values whose decimal form is easy to get wrong.
  AWKWARD.forEach((v, i) => (inputs[0].series[0].values[i] = v));
  inputs[0].series[0].values[20] = null;
  const spec = figureSpecSchema.parse(input);
  return { spec, data: buildFigureData(spec, inputs) };
}

/** A minimal RFC 4180 reader: comment lines, quoted cells with doubled quotes. */
function parseCsv(text: string) {
  const lines = text.trimEnd().split('\n');
  const comments = lines.filter((l) => l.startsWith('#'));
  const rows = lines
    .filter((l) => !l.startsWith('#'))
    .map((l) =>
      [...l.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)]
        .slice(0, -1)
        .map((m) => (m[1].startsWith('"') ? m[1].slice(1, -1).replace(/""/g, '"') : m[1])),
    );
  const [header, ...body] = rows;
  return { comments, records: body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]]))) };
}

const num = (cell: string) => (cell === '' ? null : Number(cell));

const text = (e: { text: string }) => e.text;

describe('figure data export', () => {
  it('writes shortest round-trip numbers that parse back to the same doubles', () => {
    for (const v of AWKWARD) expect(Object.is(Number(csvNumber(v)), v)).toBe(true);
    expect(csvNumber(null)).toBe('');
    expect(csvNumber(Number.NaN)).toBe('');
  });

  it('CSV: raw and smoothed per run, round-tripping exactly, with the settings in the header', () => {
    const { spec, data } = dataOf({
      runs: [1, 4],
      metrics: ['entropy', 'clip/high_frac'],
      smoothing: 0.8,
      labels: { 'run:4': 'small, "careful" eps' },
    });
    const out = exportFigureData(data, 'csv');
    expect(out).toMatchObject({ mime: 'text/csv', filename: 'entropy-clip-high-frac.csv' });
    const { comments, records } = parseCsv(out.text);
    expect(comments.join('\n')).toContain('debiased-ema, weight 0.8');
    expect(JSON.parse(comments.find((c) => c.startsWith('# spec: '))!.slice(8))).toEqual(
      JSON.parse(JSON.stringify(spec)),
    );

    expect(records).toHaveLength(data.traces.reduce((n, t) => n + t.steps.length, 0));
    let row = 0;
    for (const trace of data.traces) {
      for (let i = 0; i < trace.steps.length; i++, row++) {
        const r = records[row];
        expect([r.series, r.label, r.metric, r.runs]).toEqual([
          trace.id,
          trace.label,
          trace.metric,
          trace.runIds.join(';'),
        ]);
        expect(num(r.step)).toBe(trace.steps[i]);
        expect(Object.is(num(r.raw), trace.raw[i])).toBe(true);
        expect(Object.is(num(r.smoothed), trace.smoothed[i])).toBe(true);
        expect(r.n).toBe('');
      }
    }
    expect(records[2].raw).toBe('-0');
    expect(records[20].raw).toBe('');
  });

  it('CSV and JSON: per group mean, n, spreads and band edges', () => {
    const { spec, data } = dataOf({ runs: [1, 2, 3, 4, 5, 6], groupSeeds: true, metrics: ['entropy'], band: 'std' });
    const { records } = parseCsv(exportFigureData(data, 'csv').text);
    const g = data.traces[0];
    const r = records[160];
    expect(num(r.n)).toBe(g.group!.n[160]);
    expect(num(r.n)).toBe(2);
    for (const [col, values] of [
      ['smoothed', g.smoothed],
      ['raw', g.raw],
      ['std', g.group!.std],
      ['raw_std', g.group!.rawStd],
      ['sem', g.group!.sem],
      ['min', g.group!.min],
      ['max', g.group!.max],
      ['band_lower', g.band!.lower],
      ['band_upper', g.band!.upper],
    ] as const) {
      expect(num(r[col]), col).toBe(values[160]);
    }

    const json = JSON.parse(exportFigureData(data, 'json').text);
    expect(json.meta).toMatchObject({ generator: 'cliplab', smoothing: { method: 'debiased-ema', weight: 0.6 } });
    expect(json.meta.spec).toEqual(JSON.parse(JSON.stringify(spec)));
    expect(json.series).toHaveLength(2);
    // ±Infinity (the 1.8e308 seed overflows the mean) is written as "Infinity", as documentJson does.
    expect(json.series[0]).toEqual(
      JSON.parse(
        documentJson({
          id: g.id,
          kind: 'group',
          label: g.label,
          metric: 'entropy',
          runIds: [1, 2, 3],
          steps: g.steps,
          x: g.x,
          raw: g.raw,
          smoothed: g.smoothed,
          group: g.group,
          band: g.band,
          summary: g.summary,
        }),
      ),
    );
    // The summary numbers are the seeds' first, last and highest logged values, mean ± std over seeds.
    const seeds = data.traces[0].summary.runs;
    expect(seeds.map((r) => r.runId)).toEqual([1, 2, 3]);
    expect(json.series[0].summary.final.n).toBe(3);
    expect(text(exportFigureData(data, 'csv'))).toMatch(/# summary group:\w+ entropy: start .* final .* \(n = 3\)/);
  });

  it('gives the same text for the same spec', () => {
    const a = dataOf({ runs: [1], metrics: ['entropy'] }).data;
    const b = dataOf({ runs: [1], metrics: ['entropy'] }).data;
    for (const format of ['csv', 'json'] as const) {
      expect(exportFigureData(a, format).text).toBe(exportFigureData(b, format).text);
    }
  });
});
