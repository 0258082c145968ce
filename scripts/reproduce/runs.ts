/**
 * Seed groups of preset runs trained through the lab's run queue (worker processes), shared by
 * `npm run reproduce` and scripts/calibrate-gpt.ts: start a preset's seeds with overrides, wait for
 * them, read their series back.
 */
import {
  applyOverrides,
  findPreset,
  groupKey,
  parseAssignment,
  type ConfigOverride,
  type LocalRun,
} from '../../src-main/contract';
import { dispatch, readRun, type LabService } from '../../src-main/lab';
import { ATTRIBUTION_KEYS, type AttributionInput, type Role } from './attribution';
import type { RunSeries } from './summary';

export interface Group {
  preset: string;
  label: string;
  ids: number[];
}

/** Metric keys a summary reads, in the order of RunSeries' fields. */
const SERIES_KEYS = ['entropy', 'clip/low_frac', 'clip/high_frac', 'eval/acc', 'clip/low_drift', 'clip/high_drift'];

const ENDED = new Set(['completed', 'failed', 'cancelled', 'interrupted', 'diverged']);

/** Runs of an earlier attempt worth keeping: finished, still going, or resumable. */
const REUSABLE = new Set(['completed', 'diverged', 'running', 'queued', 'interrupted']);

/**
 * Overrides that apply to a preset: base-model keys only exist on the GPT policy, so a `--set
 * policy.base.*` meant for the GPT runs is not applied to tabular ones.
 */
export function overridesFor(preset: string, sets: readonly string[]): ConfigOverride[] {
  const tabular = findPreset(preset)?.config.policy?.kind === 'tabular';
  return sets.map(parseAssignment).filter((o) => !(tabular && o.path.startsWith('policy.base.')));
}

/**
 * One preset's seeds (seed .. seed + seeds - 1) with the overrides that apply to it. Runs of the same
 * config and seed already in the database (an earlier attempt with the same --db) are reused:
 * completed ones as they are, interrupted ones resumed; only the missing seeds are started. With
 * `onlyExisting`, nothing is started or resumed: the group is the runs already there.
 */
export async function startGroup(
  lab: LabService,
  preset: string,
  label: string,
  sets: readonly string[],
  seeds: number,
  name = preset,
  onlyExisting = false,
): Promise<Group> {
  const base = findPreset(preset);
  if (!base) throw new Error(`unknown preset "${preset}"`);
  const config = applyOverrides(base.config, overridesFor(preset, sets));
  if (!config.ok) throw new Error(`${preset}: ${config.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
  const key = groupKey(config.value);
  // The group key leaves out how entropy is attributed (it never changes training), but a run
  // attributed otherwise has other numbers to report: only runs with this attribution are reused.
  const attribution = JSON.stringify(config.value.attribution);
  const earlier = new Map<number, LocalRun>();
  for (const run of await dispatch(lab, 'runs.list', {})) {
    if (run.origin !== 'local' || run.groupKey !== key || run.seed === null) continue;
    if (JSON.stringify(run.config.attribution) !== attribution) continue;
    if (!REUSABLE.has(run.status) || earlier.has(run.seed)) continue;
    earlier.set(run.seed, run);
  }
  const ids: number[] = [];
  for (let s = 0; s < seeds; s++) {
    const seed = config.value.seed + s;
    const run = earlier.get(seed);
    if (onlyExisting) {
      if (run) ids.push(run.id);
      continue;
    }
    if (run?.status === 'interrupted') await dispatch(lab, 'runs.resume', { id: run.id });
    if (run) ids.push(run.id);
    else {
      const started = await dispatch(lab, 'sweeps.start', {
        config: { ...config.value, seed },
        seeds: 1,
        name,
      });
      ids.push(...started.ids);
    }
  }
  return { preset, label, ids };
}

/** Resolves once every run has ended, with a line on stderr whenever the count changes. */
export async function waitForAll(lab: LabService, ids: readonly number[], pollMs = 2000): Promise<void> {
  let last = '';
  for (;;) {
    const done = ids.filter((id) => ENDED.has(readRun(lab.context, id).status)).length;
    const line = `${done}/${ids.length} runs ended`;
    if (line !== last) process.stderr.write(`${line}\n`);
    last = line;
    if (done === ids.length) return;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** The stored series a summary needs, one RunSeries per run of the group. */
export async function groupSeries(lab: LabService, group: Group): Promise<RunSeries[]> {
  const runs: RunSeries[] = [];
  for (const id of group.ids) {
    const [entropy, lowFrac, highFrac, evalAcc, lowDrift, highDrift] = await dispatch(lab, 'runs.series', {
      id,
      keys: SERIES_KEYS,
    });
    runs.push({
      entropy: entropy.values,
      lowFrac: lowFrac.values,
      highFrac: highFrac.values,
      evalAcc: evalAcc.values,
      lowDrift: lowDrift.values,
      highDrift: highDrift.values,
    });
  }
  return runs;
}

/** Each run's attribution series (scripts/reproduce/attribution.ts), keyed by role. */
export async function groupAttributionInputs(lab: LabService, group: Group): Promise<AttributionInput[]> {
  const roles = Object.keys(ATTRIBUTION_KEYS) as Role[];
  const out: AttributionInput[] = [];
  for (const id of group.ids) {
    const series = await dispatch(lab, 'runs.series', { id, keys: roles.map((r) => ATTRIBUTION_KEYS[r]) });
    out.push(Object.fromEntries(roles.map((r, i) => [r, series[i]])) as unknown as AttributionInput);
  }
  return out;
}

/** Runs of the groups that did not complete, as "id status (error)". */
export function unfinished(lab: LabService, ids: readonly number[]): string[] {
  return ids
    .map((id) => readRun(lab.context, id))
    .filter((r) => r.status !== 'completed')
    .map((r) => `${r.id} ${r.status}${r.error ? ` (${r.error})` : ''}`);
}

/**
 * A `LABEL=ID,ID,...` command-line value (`--flag`): the label before the last "=" and the run ids
 * after it; `what` names the label in the error ("LABEL", "CELL").
 */
export function labelledRunIds(text: string, flag: string, what: string): { label: string; ids: number[] } {
  const at = text.lastIndexOf('=');
  const ids = text
    .slice(at + 1)
    .split(',')
    .map(Number);
  if (at < 1 || ids.some((id) => !Number.isInteger(id) || id < 1)) {
    throw new Error(`--${flag}: expected ${what}=ID,ID,... with run ids, got "${text}"`);
  }
  return { label: text.slice(0, at), ids };
}
