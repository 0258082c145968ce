/**
 * A LabClient over in-memory runs and series for chart and Compare component tests: the real client
 * plumbing (clientFrom), with `runs.list`, `runs.get`, `runs.keys` and `runs.series` (honouring
 * `from`/`to`) answered from the given data, and events pushed by the test.
 */
import {
  ApiError,
  type ApiArgs,
  type ApiMethod,
  type FigureRunInput,
  type LabEvent,
  type RunRecord,
  type Series,
} from '../../../src-main/contract';
import { clientFrom, type LabClient } from '../../../src-renderer/lib/api';
import { localRun } from '../../support/run-records';

export interface SeriesLab {
  client: LabClient;
  /** Every call made, with its arguments. */
  calls: { method: ApiMethod; args: unknown }[];
  runs: RunRecord[];
  series: Map<number, Series[]>;
  emit(event: LabEvent): void;
}

/** Run records for figure inputs (their configs and group keys), completed. */
export function recordsOf(inputs: readonly FigureRunInput[]): RunRecord[] {
  return inputs.map(({ run }) => ({ ...localRun(run.id), ...run, name: run.name }) as RunRecord);
}

function slice(series: Series, from = -Infinity, to = Infinity): Series {
  const keep = series.steps.map((s, i) => (s >= from && s <= to ? i : -1)).filter((i) => i >= 0);
  return {
    key: series.key,
    steps: keep.map((i) => series.steps[i]),
    values: keep.map((i) => series.values[i]),
    times: keep.map((i) => series.times[i]),
  };
}

export function seriesLab(inputs: readonly FigureRunInput[]): SeriesLab {
  const listeners = new Set<(e: LabEvent) => void>();
  const lab: SeriesLab = {
    calls: [],
    runs: recordsOf(inputs),
    series: new Map(inputs.map((i) => [i.run.id, i.series.map((s) => structuredClone(s))])),
    emit: (event) => listeners.forEach((l) => l(event)),
    client: clientFrom({
      kind: 'http',
      async call(method, args) {
        lab.calls.push({ method, args });
        const a = args as ApiArgs<'runs.series'>;
        const known = lab.series.get(a.id) ?? [];
        switch (method) {
          case 'runs.list':
            return structuredClone(lab.runs);
          case 'runs.keys':
            return known.map((s) => ({
              key: s.key,
              count: s.steps.length,
              firstStep: s.steps[0],
              lastStep: s.steps.at(-1),
            }));
          case 'runs.series':
            return a.keys.map((key) =>
              slice(known.find((s) => s.key === key) ?? { key, steps: [], values: [], times: [] }, a.from, a.to),
            );
          default:
            throw new ApiError('unavailable', `${method} is not scripted`);
        }
      },
      onEvent(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      onResync: () => () => undefined,
    }),
  };
  return lab;
}
