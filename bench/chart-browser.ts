/**
 * Chart speed in Chromium (issue 20): the page in chart-page/ built with Vite, served on 127.0.0.1
 * and opened in Debian's Chromium through playwright-core; it draws the Compare view's worst case
 * (20 runs x 10,000 steps x 3 metrics) with the renderer's chart code and reports the median time
 * from the series to a painted chart and of a smoothing change redrawn in place (wall time: the
 * machine's load shows in it). Run: `npm run bench -- chart` (after the Node figures).
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import { chromiumArgs, chromiumPath } from '../test/support/chromium';
import { RUNS as DEFAULT_RUNS, STEPS as DEFAULT_STEPS } from './chart-data';

const RUNS = Number(process.env.BENCH_RUNS ?? DEFAULT_RUNS);
const STEPS = Number(process.env.BENCH_STEPS ?? DEFAULT_STEPS);
const ROUNDS = Number(process.env.BENCH_REPEATS ?? 7);

interface PageResult {
  first: number;
  change: number;
  points: number;
  width: number;
  error?: string;
}

async function buildPage(): Promise<string> {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cliplab-chart-bench-'));
  await build({
    root: path.join(import.meta.dirname, 'chart-page'),
    logLevel: 'error',
    configFile: false,
    build: { outDir, emptyOutDir: true },
  });
  return outDir;
}

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

/** Serves `dir` on a free port of 127.0.0.1 until closed. */
function serve(dir: string): Promise<http.Server & { url: string }> {
  const server = http.createServer((req, res) => {
    const file = path.join(dir, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    const target = file.endsWith(path.sep) ? path.join(file, 'index.html') : file;
    if (!target.startsWith(dir) || !fs.existsSync(target)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(target)] ?? 'application/octet-stream' });
    fs.createReadStream(target).pipe(res);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      resolve(Object.assign(server, { url: `http://127.0.0.1:${port}/` }));
    }),
  );
}

export async function runChartInChromium(): Promise<void> {
  if (!fs.existsSync(chromiumPath())) {
    console.log(`\nChromium: skipped, no browser at ${chromiumPath()} (apt-get install chromium)`);
    return;
  }
  const dir = await buildPage();
  const server = await serve(dir);
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs() });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${server.url}?runs=${RUNS}&steps=${STEPS}&rounds=${ROUNDS}`);
    const handle = await page.waitForFunction(() => (globalThis as { benchResult?: unknown }).benchResult, null, {
      timeout: 600_000,
    });
    const r = (await handle.jsonValue()) as PageResult;
    if (r.error) throw new Error(`chart page failed: ${r.error}`);
    console.log(`\nIn Chromium (${RUNS} runs x ${STEPS} steps, plot ${r.width} px wide; wall ms, median of ${ROUNDS})`);
    console.log(`  data to painted chart     ${r.first.toFixed(1).padStart(8)} ms   (goal: under 200 ms)`);
    console.log(`  smoothing change          ${r.change.toFixed(1).padStart(8)} ms   (goal: under 100 ms)`);
    console.log(`  points drawn              ${String(r.points).padStart(11)}`);
  } finally {
    await browser.close();
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
