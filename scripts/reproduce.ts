/**
 * `npm run reproduce` (issue 4, item 6; issue 13): the random-reward comparison on the tabular and
 * the GPT policy for every clip setting over several seeds, plus true-reward GPT runs, trained through
 * the lab's run queue (worker processes) — then `docs/results.md` with the starting and final entropy
 * per setting (mean ± std), clip fractions, the exact entropy attribution (which side pushed harder,
 * with Welch's t; how the prediction tracks the measured change), the diagnostics' verdicts, whether
 * each of the paper's claims held (Welch's t), the true-reward accuracy against the base model's, and
 * the machine and time.
 *
 *   npx tsx scripts/reproduce.ts [--seeds 3] [--true-seeds 3] [--parallel 2] [--backend wasm] [--db FILE]
 *                                [--out docs/results.md] [--set key=value]... [--quick] [--skip-regime]
 *
 * The regime study (scripts/reproduce/regime.ts) runs after the reproduction's own runs: 0.2/0.2 on
 * the GPT with one factor changed at a time, each beside its unclipped control, and a figure of it exported by `cliplab export-figure`
 * next to the report (figures/regime-entropy.svg). --skip-regime leaves it out.
 *
 *   npx tsx scripts/reproduce.ts --llm [--seeds 1] [--db FILE] [--set key=value]... [--report-only]
 *                                (scripts/reproduce/llm.ts; --report-only writes the section from the runs there)
 *
 * --quick is a smoke run (few steps, a small base model): its numbers show the pipeline works, not
 * the paper's effects. --set applies to every run (e.g. --set steps=400); policy.base.* keys only to
 * GPT runs.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CLIP_SETTINGS, type CollapseVerdict, type RunConfig } from '../src-main/contract';
import { createLab, dispatch, readRun, type LabService } from '../src-main/lab';
import { writeFileAtomic } from '../src-main/lab/export/atomic';
import { evaluateBaseModel } from './reproduce/base-eval';
import { reproduceLlm } from './reproduce/llm';
import { llmSectionOf } from './reproduce/llm-report';
import { renderReport, type Section, type TrueRewardGroup } from './reproduce/report';
import { groupAttribution, runAttribution } from './reproduce/attribution';
import {
  REGIME_CELLS,
  REGIME_COMMON,
  REGIME_CONTROL_PRESET,
  REGIME_PRESET,
  type RegimeCell,
  type RegimeRow,
} from './reproduce/regime';
import { groupAttributionInputs, groupSeries, startGroup, unfinished, waitForAll, type Group } from './reproduce/runs';
import {
  randomRewardClaims,
  stat,
  summarize,
  trueRewardClaim,
  trueRewardEntropyClaim,
  type Claim,
  type Stat,
} from './reproduce/summary';

const QUICK: string[] = ['steps=12', 'eval.every=4', 'policy.base.steps=60', 'policy.base.targetAcc=null'];

/** Random-reward families compared, and the true-reward presets run beside them. */
const FAMILIES = [
  // The reproduction attributes every tabular step (an attributed step costs ~3.5x a 0.34 s one there).
  { prefix: 'tabular-random', title: 'Tabular bandit, random rewards (Bernoulli 0.5)', sets: ['attribution.every=1'] },
  { prefix: 'gpt-random', title: 'GPT on 3-digit addition, random rewards (Bernoulli 0.5)', sets: [] },
];
const TRUE_REWARD = [
  { preset: 'gpt-true-sym', label: 'true rewards, PPO symmetric 0.2 / 0.2' },
  { preset: 'gpt-true-aggressive-low', label: 'true rewards, aggressive clip-low 0.05 / none' },
];

function count(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${flag}: expected an integer >= 1, got ${text}`);
  return n;
}

function options() {
  const { values } = parseArgs({
    options: {
      seeds: { type: 'string', default: '3' },
      'true-seeds': { type: 'string' },
      parallel: { type: 'string', default: '2' },
      backend: { type: 'string', default: 'wasm' },
      db: { type: 'string' },
      out: { type: 'string', default: path.join('docs', 'results.md') },
      set: { type: 'string', multiple: true, default: [] },
      quick: { type: 'boolean', default: false },
      'skip-regime': { type: 'boolean', default: false },
      llm: { type: 'boolean', default: false },
      'report-only': { type: 'boolean', default: false },
    },
  });
  // The LLM runs take hours per seed on 2 cores: one seed unless asked.
  const seeds = count(values.llm && !process.argv.includes('--seeds') ? '1' : values.seeds, 'seeds');
  const trueSeeds = count(values['true-seeds'] ?? values.seeds, 'true-seeds');
  const parallel = count(values.parallel, 'parallel');
  if (values.llm) {
    const reportOnly = values['report-only'];
    return { llm: true as const, seeds, reportOnly, db: values.db, out: path.resolve(values.out), sets: values.set };
  }
  const db = values.db ?? path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cliplab-reproduce-')), 'reproduce.db');
  const sets = [`backend=${values.backend}`, ...(values.quick ? QUICK : []), ...values.set];
  const regime = !values['skip-regime'];
  const out = path.resolve(values.out);
  return { llm: false as const, seeds, trueSeeds, parallel, db, out, quick: values.quick, sets, regime };
}
type Options = Extract<ReturnType<typeof options>, { llm: false }>;

/** "stable 2, collapsing 1": the lab diagnostics' collapse verdicts over a group's runs. */
async function verdictsOf(lab: LabService, ids: number[]): Promise<string> {
  const diagnosis = await dispatch(lab, 'diagnostics.group', { ids });
  const entries = Object.entries(diagnosis.verdicts) as [CollapseVerdict, number][];
  return (
    entries
      .filter(([, n]) => n > 0)
      .map(([v, n]) => `${v} ${n}`)
      .join(', ') || 'n/a'
  );
}

async function randomSections(lab: LabService, plan: Map<string, Group>): Promise<[Section[], Claim[]]> {
  const sections: Section[] = [];
  const claims: Claim[] = [];
  for (const family of FAMILIES) {
    const rows = [];
    for (const c of CLIP_SETTINGS) {
      const group = plan.get(`${family.prefix}-${c.id}`)!;
      const summary = summarize(group.preset, group.label, await groupSeries(lab, group));
      const attribution = groupAttribution((await groupAttributionInputs(lab, group)).map(runAttribution));
      rows.push({ summary, id: c.id, verdicts: await verdictsOf(lab, group.ids), attribution });
    }
    const config = readRun(lab.context, plan.get(`${family.prefix}-sym`)!.ids[0]).config as RunConfig;
    sections.push({ title: family.title, config, rows });
    claims.push(...randomRewardClaims(family.prefix, new Map(rows.map((r) => [r.id, r.summary]))));
  }
  return [sections, claims];
}

/** A per-evaluation metric's first and last value per run, over the group's runs. */
async function firstAndLast(
  lab: LabService,
  ids: readonly number[],
  key: string,
): Promise<{ start: Stat; final: Stat }> {
  const finite = (xs: (number | null)[]) => xs.filter((x): x is number => x !== null && Number.isFinite(x));
  const series = await Promise.all(
    ids.map(async (id) => finite((await dispatch(lab, 'runs.series', { id, keys: [key] }))[0].values)),
  );
  return {
    start: stat(series.map((xs) => xs[0]).filter(Number.isFinite)),
    final: stat(series.map((xs) => xs.at(-1) ?? NaN).filter(Number.isFinite)),
  };
}

async function trueRewardGroup(lab: LabService, group: Group): Promise<TrueRewardGroup> {
  const config = readRun(lab.context, group.ids[0]).config as RunConfig;
  return {
    summary: summarize(group.preset, group.label, await groupSeries(lab, group)),
    config,
    base: await evaluateBaseModel(lab, config),
    passAtK: await firstAndLast(lab, group.ids, 'eval/pass@k'),
    evalEntropy: await firstAndLast(lab, group.ids, 'eval/entropy'),
  };
}

async function startAll(lab: LabService, opts: Options): Promise<Map<string, Group>> {
  const plan = new Map<string, Group>();
  for (const family of FAMILIES) {
    for (const c of CLIP_SETTINGS) {
      const preset = `${family.prefix}-${c.id}`;
      plan.set(preset, await startGroup(lab, preset, c.label, [...family.sets, ...opts.sets], opts.seeds));
    }
  }
  for (const t of TRUE_REWARD) plan.set(t.preset, await startGroup(lab, t.preset, t.label, opts.sets, opts.trueSeeds));
  return plan;
}

/** A regime cell's 0.2/0.2 seed group and its unclipped control. */
interface RegimeGroups {
  sym: Group;
  control: Group;
}

/** The regime cells' seed groups and their unclipped controls, queued after the reproduction's runs. */
async function startRegime(lab: LabService, opts: Options): Promise<Map<RegimeCell, RegimeGroups>> {
  const groups = new Map<RegimeCell, RegimeGroups>();
  if (!opts.regime) return groups;
  for (const cell of REGIME_CELLS) {
    const sets = [...REGIME_COMMON, ...cell.sets, ...opts.sets];
    const sym = await startGroup(lab, REGIME_PRESET, cell.label, sets, opts.seeds, `regime-${cell.id}`);
    const control = await startGroup(
      lab,
      REGIME_CONTROL_PRESET,
      cell.label,
      sets,
      opts.seeds,
      `regime-${cell.id}-no-clip`,
    );
    groups.set(cell, { sym, control });
  }
  return groups;
}

async function regimeRows(lab: LabService, groups: Map<RegimeCell, RegimeGroups>): Promise<RegimeRow[]> {
  const rows: RegimeRow[] = [];
  for (const [cell, { sym, control }] of groups) {
    const summary = summarize(sym.preset, cell.label, await groupSeries(lab, sym));
    const attribution = groupAttribution((await groupAttributionInputs(lab, sym)).map(runAttribution));
    const controlSummary = summarize(control.preset, cell.label, await groupSeries(lab, control));
    rows.push({ cell, summary, attribution, control: controlSummary });
  }
  return rows;
}

/**
 * The regime figure, exported by the cliplab command itself (as a user would) next to the report;
 * returns its path relative to the report and the command, or nulls when there is nothing to draw.
 */
function exportRegimeFigure(
  opts: Options,
  groups: Map<RegimeCell, RegimeGroups>,
): { figure: string; command: string } | null {
  const ids = [...groups.values()].flatMap((g) => g.sym.ids);
  if (ids.length === 0) return null;
  const figure = path.join('figures', 'regime-entropy.svg');
  const args = [
    '--runs',
    ids.join(','),
    '--group-seeds',
    '--metric',
    'entropy',
    '--size',
    'double',
    '--legend',
    'bottom',
  ];
  const out = path.join(path.dirname(opts.out), figure);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const cli = path.join(import.meta.dirname, '..', 'bin', 'cliplab.js');
  const run = spawnSync(process.execPath, [cli, 'export-figure', ...args, '--out', out, '--db', opts.db], {
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`cliplab export-figure failed: ${run.stderr}`);
  const shown = path.relative(process.cwd(), out);
  return { figure, command: `npx cliplab export-figure ${args.join(' ')} --out ${shown} --db REPRODUCTION_DB` };
}

function machine(lab: LabService, ids: readonly number[]) {
  const backends = [...new Set(ids.map((id) => readRun(lab.context, id).backend).filter(Boolean))];
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown CPU',
    cores: os.availableParallelism(),
    platform: `${os.platform()} ${os.release()}`,
    node: process.version,
    backends: backends.join(', ') || 'n/a',
  };
}

/** First start to last finish over the runs, in minutes (runs reused from an earlier attempt included). */
function trainingMinutes(lab: LabService, ids: readonly number[]): number {
  const runs = ids.map((id) => readRun(lab.context, id));
  const starts = runs.map((r) => Date.parse(r.startedAt ?? '')).filter(Number.isFinite);
  const ends = runs.map((r) => Date.parse(r.finishedAt ?? '')).filter(Number.isFinite);
  return starts.length && ends.length ? (Math.max(...ends) - Math.min(...starts)) / 60_000 : 0;
}

async function main(): Promise<void> {
  const given = options();
  if (given.llm) return reproduceLlm(given);
  const opts = given;
  const started = performance.now();
  const lab = createLab({ dbPath: opts.db, training: { runQueue: true, maxConcurrent: opts.parallel } });
  process.stderr.write(`reproduce: database ${lab.dbPath}\n`);
  try {
    const plan = await startAll(lab, opts);
    const regime = await startRegime(lab, opts);
    const ids = [...plan.values(), ...[...regime.values()].flatMap((g) => [g.sym, g.control])].flatMap((g) => g.ids);
    await waitForAll(lab, ids, 5000);
    const minutes = Math.max((performance.now() - started) / 60_000, trainingMinutes(lab, ids));
    const [sections, claims] = await randomSections(lab, plan);
    const trueReward = await Promise.all(TRUE_REWARD.map((t) => trueRewardGroup(lab, plan.get(t.preset)!)));
    claims.push(...trueReward.map((t) => trueRewardClaim(t.summary, t.base?.acc)));
    const [sym, aggressive] = trueReward;
    if (sym && aggressive) claims.push(trueRewardEntropyClaim(sym.summary, aggressive.summary));
    const exported = exportRegimeFigure(opts, regime);
    const text = renderReport({
      date: new Date().toISOString().slice(0, 10),
      quick: opts.quick,
      machine: machine(lab, ids),
      runs: ids.length,
      seeds: opts.seeds,
      trueSeeds: opts.trueSeeds,
      parallel: lab.queue.maxConcurrent,
      minutes,
      overrides: opts.sets,
      sections,
      claims,
      trueReward,
      regime: await regimeRows(lab, regime),
      regimeFigure: exported?.figure ?? null,
      regimeCommand: exported?.command ?? null,
      unfinished: unfinished(lab, ids),
    });
    fs.mkdirSync(path.dirname(opts.out), { recursive: true });
    // The LLM section (`--llm`) is made separately: keep it.
    const llm = fs.existsSync(opts.out) ? llmSectionOf(fs.readFileSync(opts.out, 'utf8')) : '';
    writeFileAtomic(opts.out, llm ? `${text.replace(/\s*$/, '')}\n\n${llm}\n` : text);
    process.stderr.write(`reproduce: wrote ${opts.out}\n`);
  } finally {
    await lab.close();
  }
}

await main();
