/**
 * Node rendering of figures with @napi-rs/canvas: the same Chart.js configuration the UI draws
 * (contract/chart/config.ts), laid out in points and drawn onto a PDF page, an SVG canvas or a bitmap.
 *
 * Text uses DejaVu Sans from the `dejavu-fonts-ttf` package, registered under a private family name,
 * never a system font: every machine draws the same glyphs and the PDF embeds them. Output carries no
 * dates or random ids, so a spec renders to the same bytes every time.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import {
  createCanvas,
  GlobalFonts,
  PDFDocument,
  SvgExportFlag,
  type SKRSContext2D,
  type SvgCanvas,
} from '@napi-rs/canvas';
import {
  Chart,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  Title,
} from 'chart.js';
import {
  ApiError,
  buildChartConfig,
  figureFileStem,
  figureSizeInches,
  pngSizeProblem,
  POINTS_PER_INCH,
  type FigureData,
  type FigureFormat,
  type FigureSpec,
} from '../../contract';

/** The family name the figure font is registered under (private, so no system font can answer it). */
export const FIGURE_FONT_FAMILY = 'cliplab-figure-sans';
/** Regular and bold faces; Chart.js titles are bold, and a synthesised bold would be a Type 3 font in PDFs. */
const FONT_FILES = ['dejavu-fonts-ttf/ttf/DejaVuSans.ttf', 'dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'];

export interface RenderedFigure {
  bytes: Buffer;
  mime: string;
  /** File name extension, without the dot. */
  extension: FigureFormat;
  /** A file name for the figure (title or metrics, plus the extension). */
  filename: string;
  /** Physical size in inches; PNGs also give their pixel size. */
  widthIn: number;
  heightIn: number;
  pixels: { width: number; height: number } | null;
}

let prepared = false;

/** Registers the Chart.js parts and the figure font once per process. */
export function prepareRenderer(): void {
  if (prepared) return;
  Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Filler, Legend, Title);
  const require = createRequire(import.meta.url);
  for (const file of FONT_FILES) {
    // Read through fs rather than registerFromPath: fs also reads files packed in an Electron asar.
    const key = GlobalFonts.register(readFileSync(require.resolve(file)), FIGURE_FONT_FAMILY);
    if (!key) throw new Error(`could not register the figure font ${file}`);
  }
  prepared = true;
}

interface Page {
  /** Figure size in points (the chart's drawing unit). */
  width: number;
  height: number;
}

type Renderer = (
  spec: FigureSpec,
  data: FigureData,
  page: Page,
) => { bytes: Buffer; pixels?: RenderedFigure['pixels'] };

const RENDERERS: Record<FigureFormat, { mime: string; render: Renderer }> = {
  pdf: { mime: 'application/pdf', render: renderPdf },
  svg: { mime: 'image/svg+xml', render: renderSvg },
  png: { mime: 'image/png', render: renderPng },
};

/** Renders `data` (built from `spec` by buildFigureData) as a PDF, SVG or PNG file's bytes. */
export function renderFigure(spec: FigureSpec, data: FigureData, format: FigureFormat): RenderedFigure {
  prepareRenderer();
  const size = figureSizeInches(spec);
  const page = { width: size.width * POINTS_PER_INCH, height: size.height * POINTS_PER_INCH };
  const { mime, render } = RENDERERS[format];
  const { bytes, pixels = null } = render(spec, data, page);
  return {
    bytes,
    mime,
    extension: format,
    filename: `${figureFileStem(spec)}.${format}`,
    widthIn: size.width,
    heightIn: size.height,
    pixels,
  };
}

/**
 * Draws the figure's chart on `ctx`, whose drawing unit is the point. Chart.js wants a canvas to
 * size itself from: it gets a stand-in with the page size, and the context points back to it.
 * The caller reads the output, then destroys the chart (destroy clears the canvas).
 */
function drawChart(ctx: SKRSContext2D, spec: FigureSpec, data: FigureData, page: Page, pixelRatio: number): Chart {
  const canvas = { width: page.width, height: page.height, style: {}, getContext: () => ctx };
  Object.defineProperty(ctx, 'canvas', { value: canvas, configurable: true });
  const config = buildChartConfig(spec, data, {
    target: 'paper',
    devicePixelRatio: pixelRatio,
    fontFamily: FIGURE_FONT_FAMILY,
  });
  return new Chart(canvas as unknown as HTMLCanvasElement, config as never);
}

/** PDF pages have whole-point sizes (Skia rounds them), so the chart is laid out on the rounded page. */
function renderPdf(spec: FigureSpec, data: FigureData, exact: Page) {
  const page = { width: Math.round(exact.width), height: Math.round(exact.height) };
  const doc = new PDFDocument({ title: spec.title ?? figureFileStem(spec), creator: 'cliplab', producer: 'cliplab' });
  const ctx = doc.beginPage(page.width, page.height) as unknown as SKRSContext2D;
  const chart = drawChart(ctx, spec, data, page, 1);
  doc.endPage();
  const bytes = doc.close();
  chart.destroy();
  return { bytes };
}

function renderSvg(spec: FigureSpec, data: FigureData, page: Page) {
  const flag = spec.textAsPaths ? SvgExportFlag.ConvertTextToPaths : SvgExportFlag.NoPrettyXML;
  const canvas: SvgCanvas = createCanvas(Math.ceil(page.width), Math.ceil(page.height), flag);
  const chart = drawChart(canvas.getContext('2d'), spec, data, page, 1);
  const svg = canvas.getContent().toString('utf8');
  chart.destroy();
  return { bytes: Buffer.from(physicalSvg(svg, page), 'utf8') };
}

/**
 * Gives the SVG its size in inches with a viewBox in points (else viewers take the numbers as CSS
 * pixels, 3/4 of the size), drops the empty `<text>` elements Skia writes for spaces, and renumbers
 * element ids (Skia numbers clip paths with a per-process counter) so equal figures are equal bytes.
 */
export function physicalSvg(svg: string, page: Page): string {
  const inches = (pt: number) => `${+(pt / POINTS_PER_INCH).toFixed(4)}in`;
  const sized = svg.replace(
    /<svg([^>]*?) width="[^"]*" height="[^"]*"/,
    `<svg$1 width="${inches(page.width)}" height="${inches(page.height)}" viewBox="0 0 ${+page.width.toFixed(3)} ${+page.height.toFixed(3)}"`,
  );
  const ids = new Map<string, string>();
  const renumber = (id: string, prefix: string) => {
    if (!ids.has(id)) ids.set(id, `${prefix}${ids.size + 1}`);
    return ids.get(id) as string;
  };
  return sized
    .replace(/<text[^>]*x=""[^>]*>\s*<\/text>/g, '')
    .replace(
      /(id="|url\(#|href="#)([a-z]+_)([0-9a-f]+)(?=[")])/g,
      (_m, lead: string, prefix: string, n: string) => `${lead}${renumber(prefix + n, prefix)}`,
    );
}

function renderPng(spec: FigureSpec, data: FigureData, page: Page) {
  // Checked again here (figures.render checks first): a canvas this size would take gigabytes.
  const tooLarge = pngSizeProblem(spec);
  if (tooLarge) throw new ApiError('bad_request', `dpi: ${tooLarge}`);
  const pixelRatio = spec.dpi / POINTS_PER_INCH;
  const width = Math.round((page.width / POINTS_PER_INCH) * spec.dpi);
  const height = Math.round((page.height / POINTS_PER_INCH) * spec.dpi);
  const canvas = createCanvas(width, height);
  const chart = drawChart(canvas.getContext('2d'), spec, data, page, pixelRatio);
  // pHYs records the dpi, so LaTeX and word processors place the PNG at its physical size.
  const bytes = canvas.encodeSync('png', { resolution: spec.dpi });
  chart.destroy();
  return { bytes, pixels: { width, height } };
}
