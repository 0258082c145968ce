/**
 * `cliplab export-data --format tfevents --out DIR`: runs (or seed groups) as a TensorBoard log
 * folder, one subfolder per run, every metric (or the --metrics chosen) at its raw values. The
 * folder is written whole or not at all; TensorBoard reads it with `tensorboard --logdir DIR`.
 */
import path from 'node:path';
import type { RunRecord, Series } from '../contract';
import { dispatch, type Lab } from '../lab';
import { writeFolderAtomic } from '../lab/export/atomic';
import { runEventFile } from '../lab/export/tfevents';
import { UsageError, type CliIo, type ParsedArgs } from './command';
import { withLab } from './lab';
import { flagOption, listOption, positionals, stringOption } from './options';

/** How many keys one `runs.series` call takes (contract/api/runs.ts). */
const KEYS_PER_CALL = 200;

function runIds(args: ParsedArgs): number[] {
  return (listOption(args, 'runs') ?? []).map((s) => {
    if (!/^\d+$/.test(s) || Number(s) < 1) throw new UsageError(`--runs: expected run ids like 1,2,3, got "${s}"`);
    return Number(s);
  });
}

async function selectedRuns(lab: Lab, args: ParsedArgs): Promise<RunRecord[]> {
  const runs = new Map<number, RunRecord>();
  for (const id of runIds(args)) runs.set(id, await dispatch(lab, 'runs.get', { id }));
  const groups = listOption(args, 'groups') ?? [];
  if (groups.length > 0) {
    const all = await dispatch(lab, 'runs.list', {});
    for (const key of groups) {
      const members = all.filter((r) => r.groupKey === key);
      if (members.length === 0) throw new UsageError(`--groups: no runs in group "${key}"`);
      for (const r of members) runs.set(r.id, r);
    }
  }
  if (runs.size === 0) throw new UsageError('--runs or --groups: expected the runs to export');
  return [...runs.values()];
}

async function runSeries(lab: Lab, run: RunRecord, metrics: string[] | undefined): Promise<Series[]> {
  const keys = metrics ?? (await dispatch(lab, 'runs.keys', { id: run.id })).map((k) => k.key);
  const series: Series[] = [];
  for (let i = 0; i < keys.length; i += KEYS_PER_CALL) {
    series.push(...(await dispatch(lab, 'runs.series', { id: run.id, keys: keys.slice(i, i + KEYS_PER_CALL) })));
  }
  return series.filter((s) => s.steps.length > 0);
}

export async function exportTfevents(args: ParsedArgs, io: CliIo): Promise<number> {
  positionals(args, []);
  const outText = stringOption(args, 'out');
  if (!outText) throw new UsageError('--out: expected the folder to write');
  const out = path.resolve(outText);
  const metrics = [...(listOption(args, 'metric') ?? []), ...(listOption(args, 'metrics') ?? [])];
  return withLab(args, io, async (lab) => {
    const runs = await selectedRuns(lab, args);
    const files = [];
    for (const run of runs)
      files.push(runEventFile({ run, series: await runSeries(lab, run, metrics.length ? metrics : undefined) }));
    writeFolderAtomic(out, files);
    if (flagOption(args, 'json')) {
      io.stdout.write(`${JSON.stringify({ file: out, format: 'tfevents', files: files.map((f) => f.path) })}\n`);
    } else {
      io.stdout.write(`wrote ${out} (tfevents, ${files.length} run folder${files.length === 1 ? '' : 's'})\n`);
    }
    return 0;
  });
}
