/**
 * `npm run reproduce -- --llm` (issue 21): the paper's random-reward control on a real pretrained
 * LLM, SmolLM2-135M-Instruct (the smollm2-gsm8k-random-* presets, after `npm run fetch:smollm2`),
 * at 0.2/0.2, clip-high only, clip-low only and 0.05/off, through the lab's run queue one run at a
 * time. Runs live in a database that outlasts the command (default: reproduce-llm.db in the app's
 * data folder), so running it again reuses finished runs and resumes interrupted ones. Then the
 * "A real LLM" section of docs/results.md is rewritten from the stored series (llm-report.ts) and
 * the entropy trajectories are drawn by cliplab's figure export; the rest of the file is kept.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CLIP_SETTINGS, presetConfig, runConfigSchema, type ApiResult, type RunConfig } from '../../src-main/contract';
import { createLab, dispatch, readRun, type LabService } from '../../src-main/lab';
import { writeFileAtomic } from '../../src-main/lab/export/atomic';
import { resolveModelsPaths } from '../../src-main/lab/models-folder';
import { userDataDir } from '../../src-main/lab/paths';
import { LLM_KEYS, renderLlmSection, replaceLlmSection, type LlmGroup } from './llm-report';
import { startGroup, unfinished, waitForAll, type Group } from './runs';

export const LLM_PRESETS = ['sym', 'clip-high-only', 'clip-low-only', 'aggressive-low'].map(
  (id) => `smollm2-gsm8k-random-${id}`,
);

export interface LlmOptions {
  seeds: number;
  /** Write the section from the runs already in the database; start and resume none. */
  reportOnly: boolean;
  db: string | undefined;
  out: string;
  sets: string[];
}

export const defaultLlmDb = () => path.join(userDataDir(), 'reproduce-llm.db');

/**
 * The runs of the four settings, started (or reused, or resumed) in order. The model and data paths
 * are given resolved, as runs store them, so a later invocation finds these runs by their config.
 */
async function startLlm(lab: LabService, opts: LlmOptions, files: RunConfig): Promise<Group[]> {
  const policyPath = files.policy.kind === 'hf' ? files.policy.path : '';
  const taskPath = files.task.kind === 'dataset' ? files.task.path : '';
  const sets = [`policy.path=${policyPath}`, `task.path=${taskPath}`, ...opts.sets];
  const groups: Group[] = [];
  for (const preset of LLM_PRESETS) {
    const clip = CLIP_SETTINGS.find((c) => preset.endsWith(c.id))!;
    groups.push(await startGroup(lab, preset, clip.label, sets, opts.seeds, preset, opts.reportOnly));
  }
  return groups.filter((g) => g.ids.length > 0);
}

async function seriesOf(lab: LabService, id: number): Promise<Record<string, (number | null)[]>> {
  const keys = Object.values(LLM_KEYS);
  const series = await dispatch(lab, 'runs.series', { id, keys });
  return Object.fromEntries(keys.map((k, i) => [k, series[i].values]));
}

/** Every run's entropy and per-side drifts by step, drawn by cliplab's figure export (figures/ next to the results). */
async function exportFigure(lab: LabService, groups: readonly Group[], out: string): Promise<string> {
  const labels: Record<string, string> = {};
  for (const g of groups)
    for (const id of g.ids) labels[`run:${id}`] = `${g.label}, seed ${readRun(lab.context, id).seed}`;
  const file = (await dispatch(lab, 'figures.render', {
    spec: {
      runs: groups.flatMap((g) => g.ids),
      metrics: ['entropy', 'clip/low_drift', 'clip/high_drift'],
      smoothing: 0,
      showRaw: false,
      size: { width: 'double' },
      title: 'SmolLM2-135M-Instruct, random rewards',
      legend: 'right',
      labels,
    },
    format: 'svg',
  })) as ApiResult<'figures.render'>;
  const name = path.join('figures', 'llm-entropy.svg');
  fs.mkdirSync(path.join(path.dirname(out), 'figures'), { recursive: true });
  writeFileAtomic(path.join(path.dirname(out), name), Buffer.from(file.base64, 'base64'));
  return name;
}

export async function reproduceLlm(opts: LlmOptions): Promise<void> {
  // Refused here, with the command to run, when the model is missing.
  const files = resolveModelsPaths(runConfigSchema.parse(presetConfig(LLM_PRESETS[0])));
  const started = performance.now();
  const db = opts.db ?? defaultLlmDb();
  fs.mkdirSync(path.dirname(db), { recursive: true });
  // --report-only reads: no queue, so no queued run is started by opening the database.
  const lab = createLab({ dbPath: db, training: { runQueue: !opts.reportOnly, maxConcurrent: 1 } });
  process.stderr.write(`reproduce --llm: database ${lab.dbPath} (run again with it to resume)\n`);
  try {
    const groups = await startLlm(lab, opts, files);
    if (groups.length === 0) throw new Error(`no runs of the LLM experiment in ${lab.dbPath}`);
    const ids = groups.flatMap((g) => g.ids);
    if (!opts.reportOnly) await waitForAll(lab, ids, 10_000);
    const llmGroups: LlmGroup[] = [];
    for (const g of groups) {
      const runs = await Promise.all(g.ids.map(async (id) => ({ id, series: await seriesOf(lab, id) })));
      llmGroups.push({
        preset: g.preset,
        label: g.label,
        config: readRun(lab.context, g.ids[0]).config as RunConfig,
        runs,
      });
    }
    // A figure needs data: runs stopped before their first step have none.
    const stepped = llmGroups.some((g) => g.runs.some((r) => r.series[LLM_KEYS.entropy].some((x) => x !== null)));
    const figure = stepped
      ? await exportFigure(lab, groups, opts.out).catch((err: Error) => `(no figure: ${err.message})`)
      : '(no figure: no run has finished a step)';
    const section = renderLlmSection({
      date: new Date().toISOString().slice(0, 10),
      machine: `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.availableParallelism()} cores`,
      minutes: (performance.now() - started) / 60_000,
      overrides: opts.sets,
      groups: llmGroups,
      figure,
      unfinished: unfinished(lab, ids),
    });
    const before = fs.existsSync(opts.out) ? fs.readFileSync(opts.out, 'utf8') : '';
    writeFileAtomic(opts.out, replaceLlmSection(before, section));
    process.stderr.write(`reproduce --llm: wrote the "A real LLM" section of ${opts.out}\n`);
  } finally {
    await lab.close();
  }
}
