import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { figureSpecSchema, type ApiResult } from '../../src-main/contract';
import { parseSize, specFromOptions } from '../../src-main/cli/figure-args';
import { createLab, createLocalRun, dispatch } from '../../src-main/lab';
import { twoGroups } from '../contract/chart/fixtures';
import { cliOn } from '../support/cli';
import { fileTempDir } from '../support/temp';

const dir = fileTempDir();
const db = path.join(dir, 'figures.db');
const cli = cliOn(db);

/** Six runs (two seed groups of three) with their series, stored as the app stores them. */
beforeAll(async () => {
  const lab = createLab({ dbPath: db });
  try {
    for (const input of twoGroups()) {
      const run = createLocalRun(lab.context, input.run.config);
      expect(run.id).toBe(input.run.id);
      lab.context.store.bulkInsertSeries(run.id, input.series);
    }
  } finally {
    await lab.close();
  }
});

async function api<K extends 'figures.render' | 'figures.data' | 'figures.save'>(method: K, args: unknown) {
  const lab = createLab({ dbPath: db });
  try {
    return (await dispatch(lab, method, args)) as ApiResult<K>;
  } finally {
    await lab.close();
  }
}

describe('cliplab export-figure and export-data', () => {
  it('writes the same PDF bytes as the API for the same spec', async () => {
    const out = path.join(dir, 'entropy.pdf');
    const r = await cli(
      'export-figure',
      '--runs',
      '1,2,3,4,5,6',
      '--group-seeds',
      '--metric',
      'entropy',
      '--size',
      'double',
      '--out',
      out,
    );
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toContain(`wrote ${out} (pdf, 6.75 x 4.5 in)`);
    const spec = figureSpecSchema.parse({
      runs: [1, 2, 3, 4, 5, 6],
      groupSeeds: true,
      metrics: ['entropy'],
      size: { width: 'double' },
    });
    const file = await api('figures.render', { spec, format: 'pdf' });
    expect(fs.readFileSync(out).equals(Buffer.from(file.base64, 'base64'))).toBe(true);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('writes PNGs at the requested size and dpi, and SVGs with text as paths on request', async () => {
    const png = path.join(dir, 'fig.png');
    const r = await cli(
      'export-figure',
      '--runs',
      '1,4',
      '--metric',
      'entropy,clip/high_frac',
      '--size',
      '4x3',
      '--dpi',
      '150',
      '--out',
      png,
      '--json',
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ format: 'png', pixels: { width: 600, height: 450 } });
    const bytes = fs.readFileSync(png);
    expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([600, 450]);

    const svg = path.join(dir, 'fig.svg');
    expect(
      (await cli('export-figure', '--runs', '1', '--metric', 'entropy', '--text-as-paths', '--out', svg)).code,
    ).toBe(0);
    expect(fs.readFileSync(svg, 'utf8')).not.toContain('<text');
  });

  it('exports the plotted data as CSV identical to the API, and renders saved figures', async () => {
    const out = path.join(dir, 'series.csv');
    const r = await cli(
      'export-data',
      '--runs',
      '1,4',
      '--metrics',
      'entropy,clip/high_frac',
      '--smoothing',
      '0.9',
      '--out',
      out,
    );
    expect(r.code).toBe(0);
    const spec = figureSpecSchema.parse({ runs: [1, 4], metrics: ['entropy', 'clip/high_frac'], smoothing: 0.9 });
    expect(fs.readFileSync(out, 'utf8')).toBe((await api('figures.data', { spec, format: 'csv' })).text);

    const saved = await api('figures.save', {
      name: 'saved',
      spec: { runs: [2], metrics: ['entropy'], smoothing: 0.3 },
    });
    const json = path.join(dir, 'saved.json');
    expect((await cli('export-data', '--figure', String(saved.id), '--out', json)).code).toBe(0);
    expect(JSON.parse(fs.readFileSync(json, 'utf8')).meta.spec).toMatchObject({ runs: [2], smoothing: 0.3 });
  });

  it('names the bad option or missing run and writes nothing', async () => {
    const out = path.join(dir, 'bad.pdf');
    const size = await cli('export-figure', '--runs', '1', '--metric', 'entropy', '--size', '3by2', '--out', out);
    expect(size.code).toBe(2);
    expect(size.stderr).toContain('--size: expected single, double or WxH');
    const format = await cli('export-figure', '--runs', '1', '--metric', 'entropy', '--out', path.join(dir, 'x.docx'));
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('--format: expected one of svg, pdf, png');
    const smoothing = await cli(
      'export-figure',
      '--runs',
      '1',
      '--metric',
      'entropy',
      '--smoothing',
      '1',
      '--out',
      out,
    );
    expect(smoothing.code).toBe(2);
    expect(smoothing.stderr).toMatch(/smoothing: .*0\.999/);
    const missing = await cli('export-figure', '--runs', '99', '--metric', 'entropy', '--out', out);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('run 99 not found');
    expect(fs.existsSync(out)).toBe(false);
  });
});

describe('figure options', () => {
  const args = (options: Record<string, string | boolean | string[]>) => ({ positionals: [], options });

  it('maps every option onto the spec, over a saved spec and defaults', () => {
    const spec = specFromOptions(
      args({
        runs: ['1,2', '3'],
        metric: 'entropy',
        metrics: 'kl/ppo',
        steps: '10:',
        size: '5x2.5',
        x: 'time',
        legend: 'inside',
        'log-y': true,
        'no-raw': true,
        'font-size': '9',
      }),
      { runs: [7], title: 'Saved', smoothing: 0.2 },
      { metrics: ['entropy'], smoothing: 0.9 },
    );
    expect(spec).toMatchObject({
      runs: [1, 2, 3],
      metrics: ['entropy', 'kl/ppo'],
      steps: { from: 10, to: null },
      size: { width: 5, height: 2.5 },
      xAxis: 'time',
      legend: 'inside',
      logY: true,
      showRaw: false,
      fontSize: 9,
      title: 'Saved',
      smoothing: 0.2,
    });
    expect(parseSize('double')).toEqual({ width: 'double' });
    expect(parseSize('4')).toEqual({ width: 4 });
  });

  it('rejects malformed values with the option name', () => {
    expect(() => specFromOptions(args({ runs: '1,x', metric: 'entropy' }))).toThrow('--runs: expected run ids');
    expect(() => specFromOptions(args({ runs: '1', metric: 'entropy', steps: '5' }))).toThrow('--steps: expected');
    expect(() => specFromOptions(args({ runs: '1', metric: 'entropy', dpi: 'high' }))).toThrow(
      '--dpi: expected a number',
    );
    expect(() => specFromOptions(args({ runs: '1', metric: 'entropy', legend: 'left' }))).toThrow(
      /legend: expected one of/,
    );
  });
});
