import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildFigureData, figureSpecSchema, type FigureFormat, type FigureSpecInput } from '../../../src-main/contract';
import { renderFigure } from '../../../src-main/lab/export/render';
import { twoGroups } from '../../contract/chart/fixtures';
import { fileTempDir } from '../../support/temp';

const dir = fileTempDir();

const groupSpec: FigureSpecInput = {
  runs: [1, 2, 3, 4, 5, 6],
  groupSeeds: true,
  metrics: ['entropy', 'clip/high_frac'],
  title: 'Entropy under clipping',
};

function render(input: FigureSpecInput, format: FigureFormat) {
  const spec = figureSpecSchema.parse(input);
  const figure = renderFigure(spec, buildFigureData(spec, twoGroups()), format);
  const file = path.join(dir, `${format}-${fs.readdirSync(dir).length}.${format}`);
  fs.writeFileSync(file, figure.bytes);
  return { figure, file };
}

const run = (cmd: string, ...args: string[]) => execFileSync(cmd, args, { encoding: 'utf8' });

/** Width and height from a PNG's IHDR chunk, and its dpi from pHYs (pixels per metre). */
function pngInfo(bytes: Buffer) {
  const phys = bytes.indexOf('pHYs');
  return {
    width: bytes.readUInt32BE(16),
    height: bytes.readUInt32BE(20),
    dpi: phys > 0 ? Math.round(bytes.readUInt32BE(phys + 4) / 39.3701) : null,
  };
}

/** Size of a binary PPM (P6, what pdftoppm writes) and the share of its pixels that are not near white. */
function readPpm(bytes: Buffer) {
  const header = bytes
    .subarray(0, 64)
    .toString('latin1')
    .match(/^P6\s+(\d+)\s+(\d+)\s+255\s/);
  if (!header) throw new Error('not a binary PPM');
  const [width, height] = [Number(header[1]), Number(header[2])];
  const pixels = bytes.subarray(header[0].length);
  let dark = 0;
  for (let i = 0; i < pixels.length; i += 3) if (pixels[i] + pixels[i + 1] + pixels[i + 2] < 600) dark++;
  return { width, height, darkShare: dark / (width * height) };
}

describe('renderFigure', () => {
  it('writes a PDF of the column size with the embedded figure font and selectable legend and axis text', () => {
    const { figure, file } = render(groupSpec, 'pdf');
    expect(figure).toMatchObject({ mime: 'application/pdf', filename: 'entropy-under-clipping.pdf' });
    // 3.25 in wide; the height 3.25 / 1.5 x 1.6 in = 249.6 pt is rounded to a whole point on a PDF page.
    expect(run('pdfinfo', file)).toMatch(/Page size:\s+234 x 250 pts/);
    const fonts = run('pdffonts', file);
    expect(fonts).toMatch(/DejaVuSans\s+CID TrueType\s+Identity-H\s+yes/);
    expect(fonts).not.toMatch(/Type 3/);
    const text = run('pdftotext', file, '-');
    for (const s of [
      'Entropy under clipping',
      'εlow = 0.2',
      'εlow = 0.1',
      'Step',
      'Entropy (nats)',
      'Clip-high fraction',
    ]) {
      expect(text).toContain(s);
    }
    run('pdftoppm', '-r', '100', '-singlefile', file, path.join(dir, 'pdf-page'));
    const page = readPpm(fs.readFileSync(path.join(dir, 'pdf-page.ppm')));
    expect([page.width, page.height]).toEqual([325, 348]);
    // Lines, text and axes are drawn: a fair share of the page is not white.
    expect(page.darkShare).toBeGreaterThan(0.01);
  });

  it('draws symbols of metric labels with the shipped font, never a system fallback', () => {
    const { file } = render({ runs: [1], metrics: ['entropy'], yLabels: { entropy: 'KL(old ‖ new) − H' } }, 'pdf');
    const families = run('pdffonts', file)
      .split('\n')
      .slice(2)
      .filter(Boolean)
      .map((line) => line.split(/\s+/)[0].replace(/^[A-Z]{6}\+/, ''));
    expect(families).toContain('DejaVuSans');
    for (const family of families) expect(['DejaVuSans', 'DejaVuSans-Bold']).toContain(family);
    expect(run('pdftotext', file, '-')).toContain('KL(old ‖ new) − H');
  });

  it('writes a well-formed SVG sized in inches that keeps its text, or only paths when asked', () => {
    const { figure, file } = render(groupSpec, 'svg');
    const svg = figure.bytes.toString('utf8');
    expect(svg).toMatch(/^<\?xml[^>]*\?><svg [^>]*width="3.25in" height="3.4667in" viewBox="0 0 234 249.6"/);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('>ε</text>'); // ε_low = 0.1: ε, then "low" as a subscript
    expect(svg).toContain('>low</text>');
    expect(svg).toContain('>Step</text>');
    expect(svg).not.toMatch(/x=""/);
    // rsvg-convert parses strict XML: it fails on a malformed file.
    run('rsvg-convert', '-o', path.join(dir, 'svg.png'), file);
    expect(pngInfo(fs.readFileSync(path.join(dir, 'svg.png'))).width).toBe(312); // 3.25 in at 96 px/in

    const paths = render({ ...groupSpec, textAsPaths: true }, 'svg');
    const outlined = paths.figure.bytes.toString('utf8');
    expect(outlined).not.toContain('<text');
    expect(outlined.match(/<path/g)!.length).toBeGreaterThan(svg.match(/<path/g)!.length);
    run('rsvg-convert', '-o', path.join(dir, 'svg-paths.png'), paths.file);
  });

  it('writes a PNG of inches x dpi pixels that records its dpi', () => {
    const { figure } = render({ ...groupSpec, dpi: 200, size: { width: 'double', height: 3 } }, 'png');
    expect(figure.pixels).toEqual({ width: 1350, height: 600 });
    expect(pngInfo(figure.bytes)).toEqual({ width: 1350, height: 600, dpi: 200 });
    const odd = render({ runs: [1], metrics: ['entropy'], dpi: 333, size: { width: 3.3, height: 2.1 } }, 'png');
    expect(pngInfo(odd.figure.bytes)).toMatchObject({ width: Math.round(3.3 * 333), height: Math.round(2.1 * 333) });
  });

  it('renders the same spec to identical bytes every time', () => {
    for (const format of ['pdf', 'svg', 'png'] as const) {
      const a = render(groupSpec, format).figure.bytes;
      const b = render(groupSpec, format).figure.bytes;
      expect(a.equals(b), format).toBe(true);
    }
  });
});
