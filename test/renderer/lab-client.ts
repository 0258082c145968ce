/** A LabClient over an in-memory list, for component tests: real client plumbing, scripted lab. */
import { ApiError, type ApiMethod, type LabEvent, type RunRecord } from '../../src-main/contract';
import { clientFrom, type LabClient } from '../../src-renderer/lib/api';

export interface ScriptedLab {
  client: LabClient;
  runs: RunRecord[];
  /** Makes the next `runs.list` calls fail with this error (null: succeed). */
  failWith: ApiError | null;
  emit(event: LabEvent): void;
  resync(): void;
  calls: ApiMethod[];
  listenerCount(): number;
}

export function scriptedLab(runs: RunRecord[]): ScriptedLab {
  const listeners = new Set<(e: LabEvent) => void>();
  const resyncs = new Set<() => void>();
  const lab: ScriptedLab = {
    runs,
    failWith: null,
    calls: [],
    emit: (event) => listeners.forEach((l) => l(event)),
    resync: () => resyncs.forEach((l) => l()),
    listenerCount: () => listeners.size,
    client: clientFrom({
      kind: 'http',
      async call(method) {
        lab.calls.push(method);
        if (method !== 'runs.list') throw new ApiError('unavailable', `${method} is not scripted`);
        if (lab.failWith) throw lab.failWith;
        return structuredClone(lab.runs);
      },
      onEvent(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      onResync(listener) {
        resyncs.add(listener);
        return () => resyncs.delete(listener);
      },
    }),
  };
  return lab;
}
