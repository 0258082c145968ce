/** Exported CSV cannot run as spreadsheet formulas: text starting with = + - @ is neutralised, numbers are not. */
import { describe, expect, it } from 'vitest';
import { buildFigureData, figureSpecSchema } from '../../../src-main/contract';
import { csvText, figureDataCsv, neutralizeFormula } from '../../../src-main/lab/export/data';
import { twoGroups } from '../../contract/chart/fixtures';

describe('CSV formula injection', () => {
  it.each([
    ['=HYPERLINK("http://x","click")', `'=HYPERLINK("http://x","click")`],
    ['+cmd|/c calc', `'+cmd|/c calc`],
    ['-2+3', `'-2+3`],
    ['@SUM(A1:A9)', `'@SUM(A1:A9)`],
    ['\t=1', `'\t=1`],
    ['\r=1', `'\r=1`],
    ['entropy', 'entropy'],
    ['clip/low_frac', 'clip/low_frac'],
  ])('text %j is written as %j', (text, want) => {
    expect(neutralizeFormula(text)).toBe(want);
  });

  it.each(['-0.5', '+3', '-1e-5', '2.5E+3', '.5', '-0'])('a cell that is a plain number (%s) stays a number', (n) => {
    expect(neutralizeFormula(n)).toBe(n);
  });

  it('neutralises imported keys and labels in a whole export, and leaves negative values numbers', () => {
    const inputs = twoGroups();
    inputs[0].series[0].values[0] = -0.5;
    const spec = figureSpecSchema.parse({ runs: [1, 2, 3, 4], metrics: ['entropy'] });
    const data = buildFigureData(spec, inputs);
    data.traces[0].label = '=1+1';
    data.traces[0].metric = '@cmd';
    const lines = figureDataCsv(data)
      .split('\n')
      .filter((l) => !l.startsWith('#'));
    const header = lines[0].split(',');
    const first = lines[1].split(',');
    expect(first[header.indexOf('label')]).toBe("'=1+1");
    expect(first[header.indexOf('metric')]).toBe("'@cmd");
    expect(lines.slice(1).some((l) => l.split(',')[header.indexOf('raw')] === '-0.5')).toBe(true);
    expect(csvText('-a,b')).toBe(`"'-a,b"`);
  });
});
