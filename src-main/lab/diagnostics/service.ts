/**
 * The diagnostics API handlers: read runs and series through the lab's own run calls (so they see
 * exactly what every client sees), find each run's random-reward control, and call the pure analysis.
 */
import type { z } from 'zod';
import type { ApiHandlers } from '../../contract/api';
import type { diagnosticsApi, GroupComparisonResult } from '../../contract/api/diagnostics';
import { ApiError } from '../../contract/api/errors';
import type { DiagnosisOptions, GroupDiagnosis, RunDiagnosis } from '../../contract/diagnostics';
import { canonicalJson } from '../../contract/identity';
import type { RunRecord } from '../../contract/runs';
import { diagnoseRun, runInputMeta, type RunInput } from './diagnose';
import { compareGroups, diagnoseGroupOf } from './groups';
import { keysToFetch, type SeriesByKey } from './keys';

/** The run calls diagnostics read through. */
export type RunReader = Pick<ApiHandlers, 'runs.get' | 'runs.list' | 'runs.keys' | 'runs.series'>;

type DiagnosticsApi = typeof diagnosticsApi;
type Args<K extends keyof DiagnosticsApi> = z.output<DiagnosticsApi[K]['args']>;

/** One handler per diagnostics call, typed from the call map in contract/api/diagnostics.ts. */
export type DiagnosticsHandlers = {
  [K in keyof DiagnosticsApi]: (args: Args<K>) => Promise<DiagnosticsApi[K]['result']>;
};

/** `runs.series` takes at most this many keys per call. */
const KEYS_PER_CALL = 200;

async function seriesOf(reader: RunReader, id: number): Promise<SeriesByKey> {
  const available = (await reader['runs.keys']({ id })).map((k) => k.key);
  const wanted = keysToFetch(available);
  const out: SeriesByKey = {};
  for (let i = 0; i < wanted.length; i += KEYS_PER_CALL) {
    const series = await reader['runs.series']({ id, keys: wanted.slice(i, i + KEYS_PER_CALL) });
    for (const s of series) out[s.key] = { steps: s.steps, values: s.values };
  }
  return out;
}

async function inputOf(reader: RunReader, run: RunRecord): Promise<RunInput> {
  return { series: await seriesOf(reader, run.id), meta: runInputMeta(run) };
}

/** A config as compared for control matching: without the reward, the name and the log cadence. */
function twinKey(run: RunRecord): string | null {
  if (run.origin !== 'local') return null;
  return canonicalJson({ ...run.config, reward: null, name: null, log: null });
}

/** The newest local Bernoulli-reward run with the same config and seed as `run`, if any. */
export function findControl(run: RunRecord, all: readonly RunRecord[]): RunRecord | null {
  if (run.origin !== 'local' || run.config.reward.kind === 'bernoulli') return null;
  const key = twinKey(run);
  const twins = all.filter(
    (r) => r.id !== run.id && r.origin === 'local' && r.config.reward.kind === 'bernoulli' && twinKey(r) === key,
  );
  return twins.sort((a, b) => b.id - a.id)[0] ?? null;
}

function seedsInGroup(run: RunRecord, all: readonly RunRecord[]): number {
  return all.filter((r) => r.groupKey === run.groupKey).length;
}

interface Context {
  reader: RunReader;
  all: RunRecord[];
}

async function diagnoseOne(
  ctx: Context,
  run: RunRecord,
  options: DiagnosisOptions,
  controlId: number | undefined,
  groupSize?: number,
): Promise<RunDiagnosis> {
  const controlRun =
    controlId !== undefined ? await ctx.reader['runs.get']({ id: controlId }) : findControl(run, ctx.all);
  const input = await inputOf(ctx.reader, run);
  return diagnoseRun(input.series, input.meta, {
    options,
    control: controlRun ? await inputOf(ctx.reader, controlRun) : null,
    seedsInGroup: groupSize ?? seedsInGroup(run, ctx.all),
  });
}

async function diagnoseIds(ctx: Context, ids: readonly number[], options: DiagnosisOptions, label?: string) {
  const runs = await Promise.all(ids.map((id) => ctx.reader['runs.get']({ id })));
  const diagnoses: RunDiagnosis[] = [];
  for (const run of runs) diagnoses.push(await diagnoseOne(ctx, run, options, undefined, runs.length));
  return diagnoseGroupOf(diagnoses, label ?? groupLabel(runs));
}

/** A group's name: the shared run name without a trailing seed tag, else the first run's name. */
function groupLabel(runs: readonly RunRecord[]): string {
  const names = new Set(runs.map((r) => r.name.replace(/[\s_-]*(seed|s)[\s=_-]*\d+$/i, '')));
  return names.size === 1 ? [...names][0] : `${runs[0].name} (+${runs.length - 1})`;
}

export function diagnosticsHandlers(reader: RunReader): DiagnosticsHandlers {
  const context = async (): Promise<Context> => ({ reader, all: await reader['runs.list']({}) });
  return {
    'diagnostics.run': async ({ ids, options, controls }: Args<'diagnostics.run'>) => {
      const ctx = await context();
      const controlOf = new Map((controls ?? []).map((c) => [c.run, c.control]));
      for (const runId of controlOf.keys()) {
        if (!ids.includes(runId)) throw new ApiError('bad_request', `controls: run ${runId} is not among ids`);
      }
      const out: RunDiagnosis[] = [];
      for (const id of ids) {
        out.push(await diagnoseOne(ctx, await reader['runs.get']({ id }), options, controlOf.get(id)));
      }
      return out;
    },
    'diagnostics.group': async ({ groupKey, ids, options }: Args<'diagnostics.group'>) => {
      const ctx = await context();
      const members = ids ?? ctx.all.filter((r) => r.groupKey === groupKey).map((r) => r.id);
      if (members.length === 0) throw new ApiError('not_found', `no runs with group key ${JSON.stringify(groupKey)}`);
      return diagnoseIds(ctx, members, options);
    },
    'diagnostics.compare': async ({ a, b, options, scalars }: Args<'diagnostics.compare'>) => {
      const ctx = await context();
      const groupA: GroupDiagnosis = await diagnoseIds(ctx, a, options);
      const groupB: GroupDiagnosis = await diagnoseIds(ctx, b, options);
      const result: GroupComparisonResult = {
        a: groupA,
        b: groupB,
        comparison: compareGroups(groupA, groupB, scalars),
      };
      return result;
    },
  };
}
