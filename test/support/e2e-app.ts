/**
 * The app as the e2e tests drive it: `cliplab serve` as a child process on a temporary database
 * (seeded through a real lab first, when asked) and Debian's Chromium, with the console errors of
 * every page collected. Screenshots go to test/screenshots/ for review by eye, never compared.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createLab, type LabService } from '../../src-main/lab';
import { chromiumArgs, chromiumPath } from './chromium';
import { startServeProcess, type ServeProcess } from './serve-process';
import { makeTempDir, removeDir } from './temp';

const SCREENSHOTS = path.resolve(import.meta.dirname, '..', 'screenshots');

export interface E2eOptions {
  /** Puts runs in the database before the server opens it; the lab is closed afterwards. */
  seed?: (lab: LabService) => void;
  /** Extra environment of the server process. */
  env?: NodeJS.ProcessEnv;
}

export interface PageOptions {
  /** @default 1280 × 800 */
  viewport?: { width: number; height: number };
  acceptDownloads?: boolean;
}

export interface E2eApp {
  /** The temporary folder holding the database; removed by close(). */
  dir: string;
  serve: ServeProcess;
  browser: Browser;
  /** Console errors and uncaught exceptions of every page opened with openApp. */
  pageErrors: string[];
  /** A new page on the app, at `hash` (e.g. `#/runs`). */
  openApp(hash?: string, options?: PageOptions): Promise<Page>;
  close(): Promise<void>;
}

export async function startE2eApp(options: E2eOptions = {}): Promise<E2eApp> {
  const dir = makeTempDir();
  const dbPath = path.join(dir, 'lab.db');
  if (options.seed) {
    const lab = createLab({ dbPath });
    try {
      options.seed(lab);
    } finally {
      await lab.close();
    }
  }
  const serve = await startServeProcess(['--no-open', '--port', '0', '--db', dbPath], options.env).catch((err) => {
    removeDir(dir);
    throw err;
  });
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs() }).catch(async (err) => {
    await serve.stop();
    removeDir(dir);
    throw err;
  });
  const pageErrors: string[] = [];
  return {
    dir,
    serve,
    browser,
    pageErrors,
    async openApp(hash = '', { viewport = { width: 1280, height: 800 }, acceptDownloads }: PageOptions = {}) {
      const page = await browser.newPage({ viewport, acceptDownloads });
      // Requests cut off by closing the page (the event stream, a fetch in flight) are not the app's errors.
      let closing = false;
      const close = page.close.bind(page);
      page.close = (opts) => {
        closing = true;
        return close(opts);
      };
      page.on('console', (m) => !closing && m.type() === 'error' && pageErrors.push(m.text()));
      page.on('pageerror', (e) => !closing && pageErrors.push(e.message));
      await page.goto(serve.url + hash);
      return page;
    },
    async close() {
      await browser.close();
      await serve.stop();
      removeDir(dir);
    },
  };
}

/** Saves test/screenshots/<name>.png: the window, or with `fullPage` the whole page. */
export async function saveScreenshot(page: Page, name: string, fullPage = false): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage });
}

/** The parts of a page's canvas the ink count reads (this file is typed for Node, not the DOM). */
interface CanvasLike {
  width: number;
  height: number;
  getContext(
    kind: '2d',
  ): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } | null;
}

/** Pixels something was drawn on in the first canvas `selector` finds, and all its pixels. */
export function canvasInk(page: Page, selector: string): Promise<{ inked: number; total: number }> {
  return page
    .locator(selector)
    .first()
    .evaluate((element) => {
      const canvas = element as unknown as CanvasLike;
      const ctx = canvas.getContext('2d');
      const total = canvas.width * canvas.height;
      if (!ctx || total === 0) return { inked: 0, total };
      const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      let inked = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) inked++;
      return { inked, total };
    });
}

/** Non-blank pixels of the chart `chartId` on a run page: Chart.js has drawn axes and lines into it. */
export async function inkedPixels(page: Page, chartId: string): Promise<number> {
  return (await canvasInk(page, `[data-chart="${chartId}"] canvas`)).inked;
}

/** Share of a canvas' pixels something was drawn on (0 for a blank canvas). */
export async function inkShare(page: Page, selector: string): Promise<number> {
  const { inked, total } = await canvasInk(page, selector);
  return total === 0 ? 0 : inked / total;
}
