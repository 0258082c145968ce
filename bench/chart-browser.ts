/**
 * Chart speed in Chromium (issue 20): the page in chart-page/ built with Vite, served on 127.0.0.1
 * and opened in Debian's Chromium through playwright-core; it draws the Compare view's worst case
 * (20 runs x 10,000 steps x 3 metrics) with the renderer's chart code (figure worker + figureLine
 * renderer) and reports, per task, the median wall time from the series to a painted chart and of a
 * smoothing change redrawn in place, and the median CPU time all of Chromium's processes spent on it
 * (read from /proc: the page, its worker, the raster and GPU threads). Baselines in the same run, the
 * tasks taking turns so a change of load hits them alike: the previous path (Chart.js's line
 * controller, 4 points per bucket) and Chart.js given every point. Run: `npm run bench -- chart`.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { build } from 'vite';
import { chromiumArgs, chromiumPath } from '../test/support/chromium';
import { RUNS as DEFAULT_RUNS, STEPS as DEFAULT_STEPS } from './chart-data';

const RUNS = Number(process.env.BENCH_RUNS ?? DEFAULT_RUNS);
const STEPS = Number(process.env.BENCH_STEPS ?? DEFAULT_STEPS);
const ROUNDS = Number(process.env.BENCH_REPEATS ?? 7);
/** Rounds of the two slow baselines (each draws hundreds of thousands of Chart.js points). */
const BASELINE_ROUNDS = Number(process.env.BENCH_BASELINE_REPEATS ?? 3);

/** Where a task's wall time went (chart-page/main.ts): figure built, chart drawn, frame painted. */
const STAGES = ['build', 'draw', 'paint'] as const;
type Stage = (typeof STAGES)[number];

interface TaskResult {
  ms: number;
  points: number;
  stages?: Record<Stage, number>;
  error?: string;
}

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const TICKS = 100;

/** CPU seconds used so far by every process descended from this one (Chromium and its helpers). */
function descendantsCpu(): number {
  const parents = new Map<number, number>();
  const cpu = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces), from field 3 (state) on.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parents.set(Number(entry), Number(fields[1]));
      cpu.set(Number(entry), (Number(fields[11]) + Number(fields[12])) / TICKS);
    } catch {
      // The process ended between the listing and the read.
    }
  }
  const descends = (pid: number): boolean => {
    for (let p = parents.get(pid); p !== undefined && p > 1; p = parents.get(p)) if (p === process.pid) return true;
    return false;
  };
  let total = 0;
  for (const [pid, seconds] of cpu) if (descends(pid)) total += seconds;
  return total;
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
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

interface Timings {
  wall: number[];
  cpu: number[];
  stages: Record<Stage, number[]>;
  points: number;
}

/** Runs the page's task `name` and returns its wall time (from the page) and Chromium's CPU time. */
async function task(page: Page, name: string, into?: Timings): Promise<void> {
  const cpu0 = descendantsCpu();
  const r = (await page.evaluate(
    (n) => (globalThis as unknown as { bench: { run(n: string): Promise<unknown> } }).bench.run(n),
    name,
  )) as TaskResult;
  const cpu = descendantsCpu() - cpu0;
  if (r.error) throw new Error(`chart page, ${name}: ${r.error}`);
  if (into) {
    into.wall.push(r.ms);
    into.cpu.push(cpu * 1000);
    for (const stage of STAGES) into.stages[stage].push(r.stages?.[stage] ?? Number.NaN);
    into.points = r.points;
  }
}

const empty = (): Timings => ({ wall: [], cpu: [], stages: { build: [], draw: [], paint: [] }, points: 0 });

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
    await page.goto(`${server.url}?runs=${RUNS}&steps=${STEPS}`);
    const width = await page.waitForFunction(() => (globalThis as { bench?: { width: number } }).bench?.width);
    const t = {
      screenFirst: empty(),
      screenChange: empty(),
      beforeFirst: empty(),
      beforeChange: empty(),
      fullFirst: empty(),
      fullChange: empty(),
    };
    // Round 0 warms up (code compiled, worker started) and is not counted.
    for (let round = 0; round <= ROUNDS; round++) {
      const count = round > 0;
      await task(page, 'screenFirst', count ? t.screenFirst : undefined);
      await task(page, 'screenChange', count ? t.screenChange : undefined);
      await task(page, 'screenDispose');
      if (round > BASELINE_ROUNDS) continue;
      for (const path of ['before', 'full'] as const) {
        await task(page, `${path}First`, count ? t[`${path}First`] : undefined);
        await task(page, `${path}Change`, count ? t[`${path}Change`] : undefined);
        await task(page, 'chartJsDispose');
      }
    }
    report(t, await width.jsonValue());
  } finally {
    await browser.close();
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const ms = (x: number) => `${x.toFixed(1).padStart(8)} ms`;
const ratio = (a: number, b: number) => (a / b).toFixed(3).padStart(7);

function report(t: Record<string, Timings>, width: number | undefined): void {
  const load = os.loadavg()[0].toFixed(1);
  console.log(`\nIn Chromium (${RUNS} runs x ${STEPS} steps x 3 metrics, plot ${width} px wide)`);
  console.log(
    `load average ${load} on ${os.cpus().length} cores: wall and Chromium CPU ms, medians of ${ROUNDS} rounds`,
  );
  console.log(`(baselines ${BASELINE_ROUNDS} rounds, taking turns with the screen path)`);
  const row = (name: string, x: Timings, goal = '') =>
    console.log(
      `  ${name.padEnd(34)} wall ${ms(median(x.wall))}   CPU ${ms(median(x.cpu))}   ${String(x.points).padStart(8)} points${goal}`,
    );
  row('data to painted chart', t.screenFirst, '   (goal: under 200 ms)');
  row('smoothing change, in place', t.screenChange, '   (goal: under 100 ms)');
  row('before: Chart.js, 4 per bucket, first', t.beforeFirst);
  row('before: Chart.js, 4 per bucket, change', t.beforeChange);
  row('undecimated: Chart.js, every point, first', t.fullFirst);
  row('undecimated: Chart.js, every point, change', t.fullChange);
  console.log('  wall ms by stage (median): figure built / chart laid out and drawn / frame painted');
  for (const [name, x] of Object.entries(t)) {
    console.log(`    ${name.padEnd(14)} ${STAGES.map((s) => ms(median(x.stages[s]))).join('  ')}`);
  }
  const r = (a: Timings, b: Timings, pick: 'wall' | 'cpu') => ratio(median(a[pick]), median(b[pick]));
  for (const [label, base] of [
    ['before', ['beforeFirst', 'beforeChange']],
    ['undecimated', ['fullFirst', 'fullChange']],
  ] as const) {
    console.log(
      `  ratio to ${label.padEnd(12)} first draw: wall ${r(t.screenFirst, t[base[0]], 'wall')}  CPU ${r(t.screenFirst, t[base[0]], 'cpu')}` +
        `   change: wall ${r(t.screenChange, t[base[1]], 'wall')}  CPU ${r(t.screenChange, t[base[1]], 'cpu')}` +
        `   points ${ratio(t.screenFirst.points, t[base[0]].points)}`,
    );
  }
  goal('data to painted chart', t.screenFirst, GOALS.first, t.beforeFirst, t.fullFirst);
  goal('smoothing change redrawn in place', t.screenChange, GOALS.change, t.beforeChange, t.fullChange);
}

/** Issue 20's goals, wall milliseconds in Chromium on the 2-core machine. */
const GOALS = { first: 200, change: 100 };

/** One goal line: the median wall time, whether it meets the goal, and its ratio to both baselines. */
function goal(name: string, x: Timings, limit: number, before: Timings, full: Timings): void {
  const wall = median(x.wall);
  const verdict = wall < limit ? 'MEETS' : 'MISSES';
  console.log(
    `GOAL ${name}: ${wall.toFixed(1)} ms wall (goal under ${limit} ms: ${verdict})` +
      `; x${(wall / median(before.wall)).toFixed(3)} of the previous path,` +
      ` x${(wall / median(full.wall)).toFixed(3)} of undecimated Chart.js (same run)`,
  );
}
