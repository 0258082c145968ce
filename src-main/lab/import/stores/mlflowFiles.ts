/**
 * MLflow's file store (a local `mlruns` folder): `<experiment id>/meta.yaml` names the experiment,
 * `<experiment id>/<run id>/` holds a run: `meta.yaml` (name, status, start time, lifecycle stage),
 * `metrics/<key>` files of `timestamp value step` lines (keys with `/` are nested folders),
 * `params/<key>` and `tags/<key>` files holding the text. A run folder, an experiment folder or the
 * whole store can be imported; runs moved to the trash (`lifecycle_stage: deleted`) are left out.
 */
import type { Dirent } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { ImportError } from '../errors';
import { numberFromText } from '../values';
import { parsedMlflowRun, type MlflowPoint, type StoreRun } from './mlflowRun';

/** Folders inside an experiment that are not runs. */
const NOT_RUNS = new Set(['tags', 'datasets', 'traces', 'models', '.trash']);

export type MlflowFolderKind = 'run' | 'experiment' | 'store';

/** The top-level `key: value` pairs of MLflow's meta.yaml (scalars only; quotes removed). */
export function readFlatYaml(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z_]\w*):\s*(.*?)\s*$/.exec(line);
    if (!m) continue;
    let value = m[2];
    if (value.startsWith("'") && value.endsWith("'") && value.length >= 2)
      value = value.slice(1, -1).replace(/''/g, "'");
    else if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = JSON.parse(value) as string;
    out[m[1]] = value;
  }
  return out;
}

async function isDir(p: string): Promise<boolean> {
  return stat(p).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

async function metaOf(dir: string): Promise<Record<string, string> | null> {
  try {
    return readFlatYaml(await readFile(path.join(dir, 'meta.yaml'), 'utf8'));
  } catch {
    return null;
  }
}

/** What the folder is as an MLflow file store, or null if it is not one. */
export async function mlflowFolderKind(dir: string): Promise<MlflowFolderKind | null> {
  const meta = await metaOf(dir);
  if (meta && (meta.run_id || meta.run_uuid) && (await isDir(path.join(dir, 'metrics')))) return 'run';
  if (meta && meta.experiment_id !== undefined) return 'experiment';
  const children = await readdir(dir, { withFileTypes: true }).catch(() => [] as Dirent[]);
  for (const child of children) {
    if (!child.isDirectory() || NOT_RUNS.has(child.name)) continue;
    const m = await metaOf(path.join(dir, child.name));
    if (m && m.experiment_id !== undefined && !m.run_id && !m.run_uuid) return 'store';
  }
  return null;
}

/** Files under `dir`, as `/`-joined keys relative to it. */
async function keyFiles(dir: string, prefix = ''): Promise<[string, string][]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => [] as Dirent[]);
  const out: [string, string][] = [];
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const key = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await keyFiles(path.join(dir, e.name), key)));
    else if (e.isFile()) out.push([key, path.join(dir, e.name)]);
  }
  return out;
}

async function metricPoints(dir: string, file: string): Promise<MlflowPoint[]> {
  const points: MlflowPoint[] = [];
  for (const [key, metricFile] of await keyFiles(path.join(dir, 'metrics'))) {
    const lines = (await readFile(metricFile, 'utf8')).split('\n');
    lines.forEach((line, i) => {
      if (line.trim().length === 0) return;
      const [ts, value, step] = line.trim().split(/\s+/);
      const parsed = {
        timestamp: numberFromText(ts ?? ''),
        value: numberFromText(value ?? ''),
        step: Number(step ?? i),
      };
      if (parsed.timestamp === undefined || parsed.value === undefined || !Number.isInteger(parsed.step)) {
        const at = `${path.relative(file, metricFile)}: line ${i + 1}`;
        throw new ImportError(file, `expected "timestamp value step", got ${JSON.stringify(line)}`, { at });
      }
      points.push({ key, step: parsed.step, value: parsed.value, timestamp: parsed.timestamp });
    });
  }
  return points;
}

async function texts(dir: string): Promise<[string, string][]> {
  const out: [string, string][] = [];
  for (const [key, file] of await keyFiles(dir)) out.push([key, await readFile(file, 'utf8')]);
  return out;
}

const STATUS: Record<string, string> = {
  '1': 'RUNNING',
  '2': 'SCHEDULED',
  '3': 'FINISHED',
  '4': 'FAILED',
  '5': 'KILLED',
};

async function readRun(dir: string, experimentName: string | null): Promise<StoreRun> {
  const meta = (await metaOf(dir)) ?? {};
  const startTime = numberFromText(meta.start_time ?? '');
  const parsed = parsedMlflowRun({
    runId: meta.run_id || meta.run_uuid || path.basename(dir),
    name: meta.run_name || null,
    experimentId: meta.experiment_id ?? path.basename(path.dirname(dir)),
    experimentName,
    status: STATUS[meta.status ?? ''] ?? meta.status ?? null,
    startTime: startTime ?? null,
    points: await metricPoints(dir, dir),
    params: await texts(path.join(dir, 'params')),
    tags: await texts(path.join(dir, 'tags')),
  });
  if (meta.lifecycle_stage === 'deleted') parsed.warnings.push("the run is in MLflow's trash (deleted)");
  return { parsed, file: dir };
}

async function readExperiment(dir: string): Promise<StoreRun[]> {
  const meta = await metaOf(dir);
  const runs: StoreRun[] = [];
  const children = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  for (const child of children) {
    if (!child.isDirectory() || NOT_RUNS.has(child.name)) continue;
    const runDir = path.join(dir, child.name);
    if ((await mlflowFolderKind(runDir)) !== 'run') continue;
    if ((await metaOf(runDir))?.lifecycle_stage === 'deleted') continue;
    runs.push(await readRun(runDir, meta?.name ?? null));
  }
  return runs;
}

/** The runs of an MLflow folder (a run, an experiment or a whole store), with metrics. */
export async function readMlflowFolder(dir: string, kind: MlflowFolderKind): Promise<StoreRun[]> {
  if (kind === 'run') return [await readRun(dir, (await metaOf(path.dirname(dir)))?.name ?? null)];
  if (kind === 'experiment') return readExperiment(dir);
  const runs: StoreRun[] = [];
  const children = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  for (const child of children) {
    if (!child.isDirectory() || NOT_RUNS.has(child.name)) continue;
    const experiment = path.join(dir, child.name);
    if ((await metaOf(experiment))?.lifecycle_stage === 'deleted') continue;
    if ((await mlflowFolderKind(experiment)) === 'experiment') runs.push(...(await readExperiment(experiment)));
  }
  return runs;
}
